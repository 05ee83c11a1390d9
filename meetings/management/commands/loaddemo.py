from django.core.management.base import BaseCommand

from meetings.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo record supported by the source article. Safe to run again."

    def handle(self, *args, **options):
        written = load_demo()
        if written:
            self.stdout.write(self.style.SUCCESS(f"Demo record loaded ({written} rows written)."))
        else:
            self.stdout.write("Demo record already up to date; nothing written.")
