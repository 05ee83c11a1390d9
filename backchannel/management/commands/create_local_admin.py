import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "For local development only: create a superuser 'admin' with a random password "
        "and print it once. Does nothing with debug off or when a superuser exists."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            self.stdout.write("Debug is off: no local admin created.")
            return
        users = get_user_model().objects
        if users.filter(is_superuser=True).exists():
            self.stdout.write("A superuser already exists: no local admin created.")
            return
        password = secrets.token_urlsafe(12)
        users.create_superuser("admin", email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Local admin created at http://127.0.0.1:8000/admin/ — "
                f"username: admin  password: {password}  (shown only this once)"
            )
        )
