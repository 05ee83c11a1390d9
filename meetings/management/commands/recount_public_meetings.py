"""Count the public meetings per city, year and track again (PublicMeetingCount), and
write the search table behind ``q`` and the fact table (meetings/public_facts.py) again."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from meetings.derived import count_differences, recount
from meetings.fact_check import fact_differences
from meetings.models import PublicMeetingCount


class Command(BaseCommand):
    help = (
        "Rebuild the public meeting counts, the search table and the fact table from the "
        "meetings. Triggers and the write side keep them on every write; run this after "
        "`loaddata`, or after editing any of them by hand."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to use.")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing: list the counts and facts that are wrong, and fail if any is.",
        )

    def handle(self, *args, database, check, **options):
        if check:
            self.report_differences(database)
            return
        recount(using=database)
        rows = PublicMeetingCount.objects.using(database).filter(meetings__gt=0)
        total = sum(rows.values_list("meetings", flat=True))
        self.stdout.write(f"Counted {total} public meetings in {rows.count()} keys.")

    def report_differences(self, database):
        wrong = count_differences(using=database)
        for city, year, track, stored, counted in wrong:
            self.stdout.write(
                f"city {city}, year {year}, track {track!r}: {stored} stored, {counted} counted"
            )
        facts = fact_differences(using=database)
        for line in facts:
            self.stdout.write(line)
        if wrong or facts:
            raise CommandError(
                f"{len(wrong)} counts and {len(facts)} facts are wrong; run without --check."
            )
        self.stdout.write("Every public meeting count and fact is right.")
