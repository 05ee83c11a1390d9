"""Writing many rows quickly, for the populate command."""

from django.db import connection


def insert_rows(model, field_names, rows):
    """Insert tuples of plain values (ints, strings, booleans, None) for ``field_names``.

    For the largest tables ``bulk_create`` spends most of its time preparing
    each value of each row; these rows are ready as they are. Fields not named
    get their model default, so a field added later with a default keeps working.
    Uses COPY on PostgreSQL and executemany elsewhere. Sends no signals.
    """
    if not rows:
        return
    opts = model._meta
    given = [opts.get_field(name) for name in field_names]
    rest = [f for f in opts.concrete_fields if f not in given and not f.primary_key]
    defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in [*given, *rest])
    table = quote(opts.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row + defaults)
        else:
            placeholders = ", ".join(["%s"] * (len(given) + len(rest)))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
            cursor.executemany(sql, [row + defaults for row in rows])


def refresh_planner_statistics():
    """Let the query planner see the new row counts at once.

    Without statistics SQLite filters on the visibility index and sorts every
    public meeting for a page of 25, instead of reading the date index in order.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
