from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from backchannel.backup import DERIVED, SUFFIXES, backed_up_models
from meetings.derived import recount


class Command(BaseCommand):
    help = (
        "Load a file written by `backup` into a freshly migrated, empty database. "
        "It refuses a database that already holds records."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A file written by `backup`.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to load.")

    def handle(self, *args, file, database, **options):
        if not file.endswith(SUFFIXES):
            raise CommandError(
                f"Not a backup file: the name must end with one of {', '.join(SUFFIXES)}."
            )
        occupied = [
            m._meta.label for m in backed_up_models() if m._base_manager.using(database).exists()
        ]
        if occupied:
            raise CommandError(
                "The database already holds records (" + ", ".join(occupied[:5]) + "). "
                "Restore into an empty database: run `manage.py flush`, or create a new "
                "database and `manage.py migrate` first."
            )
        # One transaction; foreign keys are checked at the end. Derived tables in the
        # file (a dumpdata of everything holds the count table) are not loaded: the
        # triggers count the meetings as they come, and they are counted again after.
        call_command(
            "loaddata", file, database=database, exclude=DERIVED, verbosity=options["verbosity"]
        )
        recount(using=database)
