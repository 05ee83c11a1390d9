"""The SQL of the triggers that keep ``PublicMeetingCount`` (models/count_table.py), in
each database's dialect: text only, run by migrations and by ``meetings.derived.recount``.

Each change to a meeting's visibility, city, start date or track takes one from
the count of its old key and adds one to its new key, when the meeting is
public before and after. The public visibilities are written into the SQL.

Migrations never import this module: each carries the SQL it runs as text (0007
installs the triggers; 0009 re-creates them on SQLite), so editing this module
cannot change what an old migration does. A change here, or to
``PUBLIC_VISIBILITIES``, needs a new migration with this module's new output pasted
into it (``install_statements`` and ``uninstall_statements``);
tests/meetings/test_count_triggers.py fails until the latest frozen SQL and the
database's triggers are what this module writes.

On SQLite, Django alters a table by copying it into a new one, which drops its
triggers, and refuses to alter the count table while triggers refer to it: a
migration that alters ``meetings_meeting`` or ``meetings_publicmeetingcount`` must
drop them before and create them again after, from frozen SQL (as 0009 does).
"""

TABLE = "meetings_publicmeetingcount"
TRIGGERS = (
    "meetings_public_count_insert",
    "meetings_public_count_delete",
    "meetings_public_count_update",
)
POSTGRESQL_TRUNCATE_TRIGGER = "meetings_public_count_truncate"
CHANGED = " OR ".join(
    f"OLD.{column} IS DISTINCT FROM NEW.{column}"
    for column in ("visibility", "city_id", "start_date", "track")
)

POSTGRESQL_YEAR = "COALESCE(EXTRACT(YEAR FROM {row}.start_date)::integer, 0)"
SQLITE_YEAR = "COALESCE(CAST(substr({row}.start_date, 1, 4) AS integer), 0)"


def sql_list(visibilities):
    """ "'public', 'participants_withheld'": the visibilities as SQL literals."""
    for value in visibilities:
        if not value.replace("_", "").isalpha():
            raise ValueError(f"Not a visibility value: {value!r}")
    return ", ".join(f"'{value}'" for value in visibilities)


def _key_condition(row, year):
    return (
        f"city_id = COALESCE({row}.city_id, 0) AND year = {year.format(row=row)} "
        f"AND track = {row}.track"
    )


def _add_new(year, public=None):
    values = f"COALESCE(NEW.city_id, 0), {year.format(row='NEW')}, NEW.track, 1"
    if public:  # SQLite: a trigger's statements cannot branch
        source = f"SELECT {values} WHERE NEW.visibility IN ({public})"
    else:
        source = f"VALUES ({values})"
    return (
        f"INSERT INTO {TABLE} (city_id, year, track, meetings) {source} "
        f"ON CONFLICT (city_id, year, track) DO UPDATE SET meetings = {TABLE}.meetings + 1"
    )


def _take_old(year, public=None):
    guard = f" AND OLD.visibility IN ({public})" if public else ""
    return (
        f"UPDATE {TABLE} SET meetings = meetings - 1 "  # noqa: S608 (constants only)
        f"WHERE {_key_condition('OLD', year)}{guard}"
    )


def postgresql_statements(public):
    function = f"""
        CREATE OR REPLACE FUNCTION meetings_public_count() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' AND OLD.visibility IN ({public}) THEN
                {_take_old(POSTGRESQL_YEAR)};
            END IF;
            IF TG_OP <> 'DELETE' AND NEW.visibility IN ({public}) THEN
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
        f"CREATE TRIGGER {POSTGRESQL_TRUNCATE_TRIGGER} AFTER TRUNCATE ON meetings_meeting "
        "FOR EACH STATEMENT EXECUTE FUNCTION meetings_public_count_truncated()",
    ]


def sqlite_statements(public):
    changed = CHANGED.replace("IS DISTINCT FROM", "IS NOT")
    return [
        f"""CREATE TRIGGER meetings_public_count_insert AFTER INSERT ON meetings_meeting
        WHEN NEW.visibility IN ({public})
        BEGIN {_add_new(SQLITE_YEAR)}; END""",
        f"""CREATE TRIGGER meetings_public_count_delete AFTER DELETE ON meetings_meeting
        WHEN OLD.visibility IN ({public})
        BEGIN {_take_old(SQLITE_YEAR)}; END""",
        f"""CREATE TRIGGER meetings_public_count_update AFTER UPDATE ON meetings_meeting
        WHEN {changed}
        BEGIN
            {_take_old(SQLITE_YEAR, public)};
            {_add_new(SQLITE_YEAR, public)};
        END""",
    ]


def recount_statements(vendor, public):
    """Empty the count table, then count every public meeting again."""
    year = (POSTGRESQL_YEAR if vendor == "postgresql" else SQLITE_YEAR).format(row="m")
    return [
        f"DELETE FROM {TABLE}",  # noqa: S608 (a constant)
        f"INSERT INTO {TABLE} (city_id, year, track, meetings) "  # noqa: S608 (constants only)
        f"SELECT COALESCE(m.city_id, 0), {year}, m.track, COUNT(*) "
        f"FROM meetings_meeting m WHERE m.visibility IN ({public}) GROUP BY 1, 2, 3",
    ]


def differences_statement(vendor, public):
    """The keys whose stored count differs from a fresh count: (city id, year, track,
    stored, counted) each; reads only."""
    year = (POSTGRESQL_YEAR if vendor == "postgresql" else SQLITE_YEAR).format(row="m")
    return (
        "SELECT city_id, year, track, SUM(stored), SUM(counted) FROM ("  # noqa: S608 (constants)
        f"SELECT city_id, year, track, meetings AS stored, 0 AS counted FROM {TABLE} "
        f"UNION ALL SELECT COALESCE(m.city_id, 0), {year}, m.track, 0, COUNT(*) "
        f"FROM meetings_meeting m WHERE m.visibility IN ({public}) GROUP BY 1, 2, 3"
        ") AS keyed GROUP BY city_id, year, track HAVING SUM(stored) <> SUM(counted) "
        "ORDER BY city_id, year, track"
    )


def install_statements(vendor, visibilities):
    """What (re)creates the triggers for these public visibilities and recounts every
    meeting: run after ``uninstall_statements``."""
    public = sql_list(visibilities)
    created = postgresql_statements if vendor == "postgresql" else sqlite_statements
    return [*created(public), *recount_statements(vendor, public)]


def uninstall_statements(vendor):
    if vendor != "postgresql":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS]
    return [
        *(f"DROP TRIGGER IF EXISTS {name} ON meetings_meeting" for name in TRIGGERS),
        f"DROP TRIGGER IF EXISTS {POSTGRESQL_TRUNCATE_TRIGGER} ON meetings_meeting",
        "DROP FUNCTION IF EXISTS meetings_public_count()",
        "DROP FUNCTION IF EXISTS meetings_public_count_truncated()",
    ]
