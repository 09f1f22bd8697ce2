from django.core.management.base import BaseCommand

from parley.demo.loader import load


class Command(BaseCommand):
    help = "Load the demo dossier and its discussion (does nothing if already loaded)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="Where the site will be served, for the links printed.",
        )

    def handle(self, *args, base_url, **options):
        result = load()
        if result.created:
            self.stdout.write(
                f"Loaded the demo dossier “{result.post.title}” with {result.comments} comments."
            )
        else:
            self.stdout.write(f"The demo dossier is already loaded ({result.comments} comments).")
        self.stdout.write(f"Dossier: {base_url.rstrip('/')}{result.post.get_absolute_url()}")
        self.stdout.write(
            f"Admin:   {base_url.rstrip('/')}/admin/  user {result.admin_username}, "
            f"password {result.admin_password}"
        )
