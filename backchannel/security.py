"""Helpers for the security settings."""

from django.conf import settings


def client_ip(request):
    """The address the request came from, trusting only the configured proxies.

    Each of the PROXY_COUNT proxies in front of the app appends the address it
    saw to X-Forwarded-For, so the client is that many entries from the right;
    anything further left was written by the client and could be forged.
    """
    count = settings.PROXY_COUNT
    if count <= 0:
        return request.META.get("REMOTE_ADDR")
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return request.META.get("REMOTE_ADDR")
    return forwarded[-count]
