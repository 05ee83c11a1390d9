import time

from django.core.management.base import BaseCommand, CommandError

from meetings.populate import AlreadyPopulated, populate


class Progress:
    """Meetings written out of the total, the rate and the time left, on stderr.

    On a terminal one line is redrawn after each batch; otherwise (a log, a pipe) a
    line is written at every tenth of the run, so logs stay short.
    """

    def __init__(self, stream):
        self.stream = stream  # the command's OutputWrapper
        self.started = time.monotonic()
        self.terminal = stream.isatty()
        self.shown = 0  # the tenths already written, off a terminal

    def __call__(self, done, total):
        tenth = 10 * done // total
        if not self.terminal and tenth == self.shown and done < total:
            return
        self.shown = tenth
        elapsed = time.monotonic() - self.started
        rate = done / elapsed if elapsed else 0
        left = (total - done) / rate if rate else 0
        line = (
            f"meetings {done:,}/{total:,} ({100 * done // total}%), {rate:,.0f}/s, "
            f"{elapsed:.0f}s elapsed, about {left:.0f}s left"
        )
        plain = str  # not in the error colour stderr has on a terminal
        self.stream.write(f"\r{line}\033[K" if self.terminal else line, plain, ending="")
        self.stream.write("" if self.terminal and done < total else "\n", plain, ending="")
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Add synthetic but realistic meetings, people, organizations, cities, topics, "
        "sources and quotes, deterministic for a seed. Slugs start with syn<seed>-. "
        "Shows its progress on stderr unless --verbosity 0 or --no-progress."
    )

    def add_arguments(self, parser):
        parser.add_argument("--meetings", type=int, required=True, help="How many meetings.")
        parser.add_argument("--seed", type=int, default=0, help="Random seed (default 0).")
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not print progress to stderr."
        )

    def handle(self, *args, meetings, seed, no_progress, verbosity, **options):
        if meetings < 1:
            raise CommandError("--meetings must be at least 1.")
        if seed < 0:
            raise CommandError("--seed must be 0 or more.")
        started = time.monotonic()
        quiet = no_progress or verbosity == 0
        try:
            counts = populate(meetings, seed, progress=None if quiet else Progress(self.stderr))
        except AlreadyPopulated as error:
            raise CommandError(str(error)) from error
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        elapsed = time.monotonic() - started
        if verbosity:
            self.stdout.write(f"Added {summary} in {elapsed:.1f}s (seed {seed}).")
