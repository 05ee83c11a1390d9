"""What every in-process benchmark script does first: the project on the path, Django
set up with caches off (debug on unless the script or the environment says otherwise)."""

import os
import sys
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
