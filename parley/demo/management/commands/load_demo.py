from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError

from parley.demo import host_site
from parley.demo.loader import load, load_example_blog


def _origins_of(example_host: str) -> list[str]:
    address = urlsplit(example_host)
    try:
        port = address.port
    except ValueError:
        port = None
    if address.scheme != "http" or not address.hostname or not port:
        raise CommandError(
            f"--example-host {example_host} is not an address such as http://127.0.0.1:8001."
        )
    return host_site.origins(address.hostname, port)


class Command(BaseCommand):
    help = (
        "Load the demo dossier and its discussion, and with --example-host the example blog's "
        "embedding site (does nothing if already loaded)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="Where the site will be served, for the links printed.",
        )
        parser.add_argument(
            "--example-host",
            default="",
            metavar="URL",
            help=(
                "Where the example blog (`parley serve --example-host PORT`) will be served, "
                "such as http://127.0.0.1:8001: makes its embedding site, with a discussion "
                "on one of its pages."
            ),
        )

    def handle(self, *args, base_url, example_host, **options):
        blog_origins = _origins_of(example_host) if example_host else []
        result = load()
        if result.created:
            self.stdout.write(
                f"Loaded the demo dossier “{result.post.title}” with {result.comments} comments."
            )
        else:
            self.stdout.write(f"The demo dossier is already loaded ({result.comments} comments).")
        if blog_origins:
            self._example_blog(blog_origins)
        self.stdout.write(f"Dossier: {base_url.rstrip('/')}{result.post.get_absolute_url()}")
        self.stdout.write(
            f"Admin:   {base_url.rstrip('/')}/admin/  user {result.admin_username}, "
            f"password {result.admin_password}"
        )

    def _example_blog(self, origins: list[str]) -> None:
        blog = load_example_blog(origins)
        if blog.created:
            self.stdout.write(
                f"Made the embedding site “{blog.site.name}” ({', '.join(blog.site.origins)}) "
                f"with {blog.comments} comments on one of its pages."
            )
        else:
            self.stdout.write(
                f"The embedding site “{blog.site.name}” is already loaded "
                f"({', '.join(blog.site.origins)})."
            )
