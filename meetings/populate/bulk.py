"""Writing many rows quickly, for the populate command."""

from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from django.db import connection

from ..count_triggers import recount_statements, sql_list
from ..models import PUBLIC_VISIBILITIES


def insert_rows(model, field_names, rows, columns=()):
    """Insert tuples of plain values (ints, strings, booleans, None) for ``field_names``.

    For the largest tables ``bulk_create`` spends most of its time preparing
    each value of each row; these rows are ready as they are. ``columns`` names
    further database columns that are not model fields (their values follow the
    fields' in each row). Fields not named get their model default, so a field
    added later with a default keeps working. Uses COPY on PostgreSQL and
    executemany elsewhere. Sends no signals.
    """
    if rows:
        statement = insert_statement(model, field_names, columns)
        with connection.cursor() as cursor:
            write_rows(cursor, statement, rows)


def insert_objects(model, objects):
    """Insert these unsaved instances, each given an id reserved up front; returns them.

    ``bulk_create`` took about 0.25 ms an object at a million meetings' worth of people,
    sources and affiliations on a loaded machine (its INSERT of 2,000 rows at a time
    and their ids read back); here each value is prepared once and COPY writes them.
    """
    fields = model._meta.concrete_fields
    for instance, pk in zip(objects, reserve_ids(model, len(objects)), strict=True):
        instance.pk = pk
    prepare = [(field.pre_save, field.get_db_prep_save) for field in fields]
    rows = [
        tuple(prep(pre_save(instance, True), connection) for pre_save, prep in prepare)
        for instance in objects
    ]
    insert_rows(model, [field.name for field in fields], rows)
    return objects


def insert_statement(model, field_names, columns=()):
    """(SQL, defaults) for ``insert_rows``: COPY on PostgreSQL, else INSERT; the values
    of the fields not named, added to the end of each row."""
    opts = model._meta
    given = [opts.get_field(name) for name in field_names]
    rest = [f for f in opts.concrete_fields if f not in given and not f.primary_key]
    defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
    quote = connection.ops.quote_name
    names = [*(f.column for f in given), *columns, *(f.column for f in rest)]
    table, listed = quote(opts.db_table), ", ".join(quote(name) for name in names)
    if connection.vendor == "postgresql":
        return f"COPY {table} ({listed}) FROM STDIN", defaults
    placeholders = ", ".join(["%s"] * len(names))
    return f"INSERT INTO {table} ({listed}) VALUES ({placeholders})", defaults  # noqa: S608


def write_rows(cursor, statement, rows):
    """Run an ``insert_statement`` for these rows on a cursor (Django's, or the driver's
    own from another thread)."""
    sql, defaults = statement
    if sql.startswith("COPY"):
        with cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row + defaults)
    else:
        cursor.executemany(sql, [row + defaults for row in rows])


class BatchWriter:
    """Writes a batch's rows while the next batch is drawn: on PostgreSQL a thread runs
    the COPYs on the run's own connection (in its transaction), so the database works
    on one core while Python draws on the other; elsewhere each batch is written at once.

    One batch at most is in flight; ``write`` waits for the one before, and leaving
    the block waits for the last (its error, if any, is raised there), so nothing
    runs on the connection once the block is left.
    """

    def __init__(self):
        self.pool = ThreadPoolExecutor(1) if connection.vendor == "postgresql" else None
        self.pending = None

    def write(self, inserts):
        """``inserts``: (model, field names, rows, columns) each, written in order."""
        prepared = [
            (insert_statement(model, fields, columns), rows)
            for model, fields, rows, columns in inserts
            if rows
        ]
        self.wait()
        if self.pool is None:
            with connection.cursor() as cursor:
                for statement, rows in prepared:
                    write_rows(cursor, statement, rows)
            return
        connection.ensure_connection()
        self.pending = self.pool.submit(_write_all, connection.connection, prepared)

    def wait(self):
        pending, self.pending = self.pending, None
        if pending:
            pending.result()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        try:
            self.wait()
        finally:
            if self.pool:
                self.pool.shutdown()


def _write_all(database_connection, prepared):
    with database_connection.cursor() as cursor:
        for statement, rows in prepared:
            write_rows(cursor, statement, rows)


def reserve_ids(model, count, after=0):
    """``count`` new primary keys for ``model``, so rows can be written with their ids
    (and rows pointing at them in the same batch) without reading them back.

    PostgreSQL draws them from the table's sequence; SQLite continues after the
    largest id, or after ``after`` if larger (ids reserved before but not written yet;
    a run writes inside one transaction, and SQLite has one writer).
    """
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        last = max(cursor.fetchone()[0], after)
    return list(range(last + 1, last + 1 + count))


class IdPool:
    """New primary keys for one model, reserved from the database ``block`` at a time
    (one round trip per block rather than per batch). Ids left over stay unused."""

    def __init__(self, model, block=20_000):
        self.model, self.block, self.ids = model, block, []

    def take(self, count):
        if count > len(self.ids):
            after = self.ids[-1] if self.ids else 0
            self.ids += reserve_ids(self.model, max(self.block, count - len(self.ids)), after)
        taken, self.ids = self.ids[:count], self.ids[count:]
        return taken


SET_ASIDE_SQL = """
    SELECT 'index', i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), c.relname
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
    WHERE c.relname = ANY(%(tables)s) AND c.relnamespace = 'public'::regnamespace
      AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
    UNION ALL
    SELECT 'foreign key', k.conname, pg_get_constraintdef(k.oid), c.relname
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
    WHERE c.relname = ANY(%(tables)s) AND c.relnamespace = 'public'::regnamespace
      AND k.contype = 'f'
    ORDER BY 1, 2
"""


@contextmanager
def indexes_set_aside(models):
    """PostgreSQL: without the secondary indexes and foreign keys of these tables while
    the block writes, built and checked again once at its end.

    Building an index over a million rows at once is several times faster than
    keeping it up to date row by row, and adding a foreign key checks every row in
    one join instead of one query per row at commit. Only inside a transaction:
    when the block fails, the rollback brings every index and key back as it was;
    readers of these tables wait for the transaction (the drop locks them).
    Primary keys and unique constraints stay, and so do the count table's triggers.
    """
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("indexes_set_aside() needs a transaction to roll back to.")
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # nothing pending on these tables
        cursor.execute(SET_ASIDE_SQL, {"tables": tables})
        aside = cursor.fetchall()
        for kind, name, _, table in aside:
            if kind == "index":
                cursor.execute(f"DROP INDEX {name}")
            else:
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for kind, name, definition, table in aside:
            if kind == "index":
                cursor.execute(definition)
            else:
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')


@contextmanager
def counts_after_block():
    """PostgreSQL: the count table's insert trigger off while the block inserts
    meetings, and every public meeting counted again at its end, in one GROUP BY.

    For loads of many meetings in one transaction: each trigger's upsert of a key
    already updated in the same transaction walks every earlier version of its row
    (none can be pruned before commit), so the busiest keys cost more and more (at a
    million meetings the database's share of the run grew as it went; see
    bench/RESULTS.md). Only inside a transaction: a
    failure rolls back to the trigger as it was; the meetings table stays locked
    until commit, so no other writer inserts a meeting uncounted. Elsewhere the
    trigger stays on.
    """
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("counts_after_block() needs a transaction to roll back to.")
    trigger = "ALTER TABLE meetings_meeting {} TRIGGER meetings_public_count_insert"
    with connection.cursor() as cursor:
        cursor.execute(trigger.format("DISABLE"))
    yield
    with connection.cursor() as cursor:
        cursor.execute(trigger.format("ENABLE"))
        for statement in recount_statements("postgresql", sql_list(PUBLIC_VISIBILITIES)):
            cursor.execute(statement)


def refresh_planner_statistics():
    """Let the query planner see the new row counts at once.

    Without statistics SQLite filters on the visibility index and sorts every
    public meeting for a page of 25, instead of reading the date index in order.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
