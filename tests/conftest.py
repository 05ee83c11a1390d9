import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached public values from one test must not answer another's (LocMem outlives rollbacks)."""
    from django.core.cache import cache

    cache.clear()
