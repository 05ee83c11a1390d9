"""What every in-process benchmark script does first: the project on the path, Django
set up with caches off (debug on unless the script or the environment says otherwise)."""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(**environment):
    """Set up Django for a script: ``environment`` is set as given, then the defaults."""
    sys.path.insert(0, str(ROOT))
    os.environ.update(environment)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backchannel.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("MEETINGS_CACHE_SECONDS", "0")
    import django

    django.setup()


class QueryTimer:
    """A database execute wrapper (``connection.execute_wrapper``) that counts the
    queries and the seconds spent executing them."""

    def __init__(self):
        self.count, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.count += 1
