from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from backchannel.backup import EXCLUDED, SUFFIXES


class Command(BaseCommand):
    help = (
        "Write the whole record (meetings, people, sources, users and groups, history, "
        "admin log) to an XML file that `restore` loads. End the name with .xml, or "
        ".xml.gz, .xml.bz2 or .xml.xz to compress it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The file to write, e.g. backchannel-2026-11-27.xml.gz")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to read.")

    def handle(self, *args, file, database, **options):
        if not file.endswith(SUFFIXES):
            raise CommandError(f"The backup file name must end with one of {', '.join(SUFFIXES)}.")
        connection = connections[database]
        with transaction.atomic(using=database):
            if connection.vendor == "postgresql":
                # One snapshot of every table, even while staff keep editing.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            call_command(
                "dumpdata",
                format="xml",
                natural_foreign=True,
                natural_primary=True,
                exclude=EXCLUDED,
                database=database,
                output=file,
                verbosity=0,
            )
        self.stdout.write(f"Wrote the record to {file}.")
