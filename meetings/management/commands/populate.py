import sys
import time

from django.core.management.base import BaseCommand, CommandError

from meetings.populate import AlreadyPopulated, populate


class Command(BaseCommand):
    help = (
        "Add synthetic but realistic meetings, people, organizations, cities, topics, "
        "sources and quotes, deterministic for a seed. Slugs start with syn<seed>-."
    )

    def add_arguments(self, parser):
        parser.add_argument("--meetings", type=int, required=True, help="How many meetings.")
        parser.add_argument("--seed", type=int, default=0, help="Random seed (default 0).")
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not print progress to stderr."
        )

    def handle(self, *args, meetings, seed, no_progress, **options):
        if meetings < 1:
            raise CommandError("--meetings must be at least 1.")
        if seed < 0:
            raise CommandError("--seed must be 0 or more.")
        started = time.monotonic()

        def progress(done, total):
            elapsed = time.monotonic() - started
            sys.stderr.write(f"\rmeetings {done}/{total} ({100 * done // total}%) {elapsed:.1f}s")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()

        try:
            counts = populate(meetings, seed, progress=None if no_progress else progress)
        except AlreadyPopulated as error:
            raise CommandError(str(error)) from error
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        elapsed = time.monotonic() - started
        self.stdout.write(f"Added {summary} in {elapsed:.1f}s (seed {seed}).")
