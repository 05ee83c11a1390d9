"""The triggers that keep ``PublicMeetingCount`` (models/counts.py), in each database's SQL.

Each change to a meeting's visibility, city, start date or track takes one from
the count of its old key and adds one to its new key, when the meeting is
public before and after. The public visibilities are written into the SQL:
``PUBLIC_VISIBILITIES`` changing needs a migration that calls ``install`` again.

On SQLite, Django alters a table by copying it into a new one, which drops its
triggers: a migration that alters ``meetings_meeting`` must call ``install``
after it (tests/meetings/test_public_counts.py fails otherwise).
"""

from .models import PUBLIC_VISIBILITIES

TABLE = "meetings_publicmeetingcount"
TRIGGERS = (
    "meetings_public_count_insert",
    "meetings_public_count_delete",
    "meetings_public_count_update",
)
PUBLIC = ", ".join(f"'{value}'" for value in PUBLIC_VISIBILITIES)
CHANGED = " OR ".join(
    f"OLD.{column} IS DISTINCT FROM NEW.{column}"
    for column in ("visibility", "city_id", "start_date", "track")
)

POSTGRESQL_YEAR = "COALESCE(EXTRACT(YEAR FROM {row}.start_date)::integer, 0)"
SQLITE_YEAR = "COALESCE(CAST(substr({row}.start_date, 1, 4) AS integer), 0)"


def _key_condition(row, year):
    return (
        f"city_id = COALESCE({row}.city_id, 0) AND year = {year.format(row=row)} "
        f"AND track = {row}.track"
    )


def _add_new(year, select=False):
    values = f"COALESCE(NEW.city_id, 0), {year.format(row='NEW')}, NEW.track, 1"
    if select:  # SQLite: a trigger's statements cannot branch
        source = f"SELECT {values} WHERE NEW.visibility IN ({PUBLIC})"
    else:
        source = f"VALUES ({values})"
    return (
        f"INSERT INTO {TABLE} (city_id, year, track, meetings) {source} "
        f"ON CONFLICT (city_id, year, track) DO UPDATE SET meetings = {TABLE}.meetings + 1"
    )


def _take_old(year, guarded=False):
    guard = f" AND OLD.visibility IN ({PUBLIC})" if guarded else ""
    return (
        f"UPDATE {TABLE} SET meetings = meetings - 1 "  # noqa: S608 (constants only)
        f"WHERE {_key_condition('OLD', year)}{guard}"
    )


def postgresql_statements():
    function = f"""
        CREATE OR REPLACE FUNCTION meetings_public_count() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' AND OLD.visibility IN ({PUBLIC}) THEN
                {_take_old(POSTGRESQL_YEAR)};
            END IF;
            IF TG_OP <> 'DELETE' AND NEW.visibility IN ({PUBLIC}) THEN
                {_add_new(POSTGRESQL_YEAR)};
            END IF;
            RETURN NULL;
        END;
        $$"""
    truncated = """
        CREATE OR REPLACE FUNCTION meetings_public_count_truncated() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM meetings_publicmeetingcount;
            RETURN NULL;
        END;
        $$"""
    run = "FOR EACH ROW EXECUTE FUNCTION meetings_public_count()"
    return [
        function,
        truncated,
        f"CREATE TRIGGER meetings_public_count_insert AFTER INSERT ON meetings_meeting {run}",
        f"CREATE TRIGGER meetings_public_count_delete AFTER DELETE ON meetings_meeting {run}",
        f"CREATE TRIGGER meetings_public_count_update AFTER UPDATE ON meetings_meeting "
        f"FOR EACH ROW WHEN ({CHANGED}) EXECUTE FUNCTION meetings_public_count()",
        "CREATE TRIGGER meetings_public_count_truncate AFTER TRUNCATE ON meetings_meeting "
        "FOR EACH STATEMENT EXECUTE FUNCTION meetings_public_count_truncated()",
    ]


def sqlite_statements():
    changed = CHANGED.replace("IS DISTINCT FROM", "IS NOT")
    return [
        f"""CREATE TRIGGER meetings_public_count_insert AFTER INSERT ON meetings_meeting
        WHEN NEW.visibility IN ({PUBLIC})
        BEGIN {_add_new(SQLITE_YEAR)}; END""",
        f"""CREATE TRIGGER meetings_public_count_delete AFTER DELETE ON meetings_meeting
        WHEN OLD.visibility IN ({PUBLIC})
        BEGIN {_take_old(SQLITE_YEAR)}; END""",
        f"""CREATE TRIGGER meetings_public_count_update AFTER UPDATE ON meetings_meeting
        WHEN {changed}
        BEGIN
            {_take_old(SQLITE_YEAR, guarded=True)};
            {_add_new(SQLITE_YEAR, select=True)};
        END""",
    ]


def _count_existing(year):
    return (
        f"INSERT INTO {TABLE} (city_id, year, track, meetings) "  # noqa: S608 (constants only)
        f"SELECT COALESCE(m.city_id, 0), {year.format(row='m')}, m.track, COUNT(*) "
        f"FROM meetings_meeting m WHERE m.visibility IN ({PUBLIC}) GROUP BY 1, 2, 3"
    )


def install(apps, schema_editor):
    """(Re)create the triggers and recount every public meeting."""
    uninstall(apps, schema_editor)
    postgresql = schema_editor.connection.vendor == "postgresql"
    for statement in postgresql_statements() if postgresql else sqlite_statements():
        schema_editor.execute(statement, params=None)
    schema_editor.execute(f"DELETE FROM {TABLE}")  # noqa: S608 (a constant)
    schema_editor.execute(_count_existing(POSTGRESQL_YEAR if postgresql else SQLITE_YEAR))


def uninstall(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for name in (*TRIGGERS, "meetings_public_count_truncate") if postgresql else TRIGGERS:
        on_table = " ON meetings_meeting" if postgresql else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}{on_table}")
    if postgresql:
        schema_editor.execute("DROP FUNCTION IF EXISTS meetings_public_count()")
        schema_editor.execute("DROP FUNCTION IF EXISTS meetings_public_count_truncated()")
