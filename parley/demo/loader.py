"""Load the demo dossier and its discussion through the same actions the site uses."""

from __future__ import annotations

import json
import secrets
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction

from parley.accounts.models import User
from parley.demo import host_site
from parley.discussion import quotes
from parley.discussion.actions import Commenter, post_comment
from parley.embed.actions import open_page
from parley.embed.models import EmbeddedPage, Site
from parley.publishing.actions import add_document, create_post
from parley.publishing.models import Post

DATA = Path(__file__).with_name("data")
EDITOR = "editor"


@dataclass
class Result:
    created: bool
    post: Post
    comments: int
    admin_username: str
    admin_password: str


def admin_password_file() -> Path:
    return Path(settings.DATA_DIR) / "admin-password.txt"


def ensure_admin() -> tuple[str, str]:
    """The demo's admin account; its password is kept in the data directory."""
    path = admin_password_file()
    user = User.objects.filter(username="admin").first()
    if user is not None and path.exists():
        return "admin", path.read_text().strip()
    password = secrets.token_urlsafe(12)
    if user is None:
        user = User.objects.create_superuser(
            "admin", "", password, display_name="Admin", is_moderator=True
        )
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(password + "\n")
    path.chmod(0o600)
    return "admin", password


def _account(username: str, display_name: str) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"display_name": display_name}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _aware(value: str, zone: str | None = None) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zoneinfo.ZoneInfo(zone or "UTC"))
    return moment


def load(data_dir: Path = DATA) -> Result:
    username, password = ensure_admin()
    dossier = json.loads((data_dir / "dossier.json").read_text())
    discussion = json.loads((data_dir / "discussion.json").read_text())
    spec = dossier["post"]
    existing = Post.objects.filter(slug=spec["slug"]).first()
    if existing is not None:
        return Result(False, existing, existing.thread.comment_count, username, password)
    with transaction.atomic():
        editor = _account(EDITOR, spec.get("author_name", "The Editors"))
        editor.is_staff = True
        editor.save(update_fields=["is_staff"])
        published = _aware(spec["published_at"])
        post = create_post(
            kind=Post.Kind.DOSSIER,
            slug=spec["slug"],
            title=spec["title"],
            introduction=spec["introduction"],
            author=editor,
            published_at=published,
        )
        for doc in dossier["documents"]:
            add_document(
                post,
                kind=doc["kind"],
                slug=doc["slug"],
                title=doc["title"],
                issuer=doc["issuer"],
                place=doc.get("place", ""),
                occurred_at=_aware(doc["occurred_at"], doc["timezone"]),
                timezone=doc["timezone"],
                source_url=doc.get("source_url", ""),
                language=doc.get("language", ""),
                body=doc["body"],
            )
        ids: dict[str, int] = {}
        for item in discussion:
            user = _account(item["account"], item["author"]) if item.get("account") else None
            body = (
                "".join(
                    quotes.directive("comment", ids[q["comment"]], q["excerpt"])
                    if "comment" in q
                    else quotes.directive("document", q["document"], q["excerpt"])
                    for q in item.get("quotes", [])
                )
                + item["body"]
            )
            commenter = Commenter(
                user=user,
                name=item["author"],
                email=item.get("email", ""),
                website=item.get("website", ""),
            )
            comment = post_comment(
                post.thread,
                commenter=commenter,
                body=body,
                parent_id=ids[item["parent"]] if item.get("parent") else None,
                created_at=published + timedelta(minutes=item["minutes_after"]),
            )
            ids[item["key"]] = comment.pk
    post.thread.refresh_from_db()
    return Result(True, post, post.thread.comment_count, username, password)


@dataclass
class ExampleBlog:
    site: Site
    page: EmbeddedPage
    created: bool  # its comments were posted now
    comments: int


def load_example_blog(origins: list[str]) -> ExampleBlog:
    """The Site of the example host (`parley serve --example-host`): its origins added to
    the allowed ones, and one article's thread with a few comments, posted once."""
    blog = host_site.content()
    site = Site.objects.filter(name=blog["site"]["name"]).order_by("id").first()
    if site is None:
        site = Site(name=blog["site"]["name"], language=blog["site"]["language"])
        site.allowed_origins = "\n".join(origins)
        site.full_clean()
        site.save()
    else:
        missing = [o for o in origins if o not in site.origins]
        if missing:
            site.allowed_origins = "\n".join([*site.origins, *missing])
            site.full_clean()
            site.save(update_fields=["allowed_origins"])
    discussion = blog["discussion"]
    article = host_site.article(discussion["article"])
    assert article is not None, "example_blog.json: the discussion's article is not listed"
    page, _made = open_page(
        site,
        origin=origins[0],
        client="demo",
        url=f"{origins[0]}{article.path}",
        title=article.title,
        identifier=article.identifier,
    )
    thread = page.post.thread
    if thread.comments.exists():
        return ExampleBlog(site, page, False, thread.comment_count)
    with transaction.atomic():
        started = _aware(f"{article.published}T09:00:00")
        ids: dict[str, int] = {}
        for item in discussion["comments"]:
            comment = post_comment(
                thread,
                commenter=Commenter(name=item["author"]),
                body=item["body"],
                parent_id=ids[item["parent"]] if item.get("parent") else None,
                created_at=started + timedelta(minutes=item["minutes_after"]),
            )
            ids[item["key"]] = comment.pk
    thread.refresh_from_db()
    return ExampleBlog(site, page, True, thread.comment_count)
