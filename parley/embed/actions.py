"""Finding and opening the threads of embedded pages. The API calls these."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from parley.embed import addresses
from parley.embed.models import MAX_IDENTIFIER_LENGTH, MAX_TITLE_LENGTH, EmbeddedPage, Site
from parley.lib import ratelimit
from parley.lib.errors import Conflict, Forbidden, Invalid
from parley.publishing.actions import create_post

MAX_COUNTED_URLS = 50
# Threads one client may open in an hour: the Origin header proves nothing outside a
# browser, so this is what bounds the posts a script can make for a site's host.
NEW_PAGE_RATE = (30, 3600)


def key_of(url: str, *, field: str = "url") -> str:
    """The page's canonical key, or 400 with the sentence that says what is wrong."""
    try:
        return addresses.canonical_key(url)
    except ValueError as error:
        raise Invalid(str(error), field=field, code="bad_url") from error


def _printable(text: str) -> str:
    """Control characters (a NUL among them, which PostgreSQL cannot store) as spaces."""
    return "".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in text)


def _checked_identifier(identifier: str) -> str:
    identifier = _printable(identifier).strip()
    if len(identifier) > MAX_IDENTIFIER_LENGTH:
        raise Invalid(
            _("The data-parley-id is %(n)s characters long; at most %(max)s are taken.")
            % {"n": len(identifier), "max": MAX_IDENTIFIER_LENGTH},
            field="id",
        )
    return identifier


def _pages(site: Site):
    return EmbeddedPage.objects.filter(site=site).select_related("post__thread")


def find_page(site: Site, *, url: str, identifier: str = "") -> EmbeddedPage | None:
    """The page's thread: by its data-parley-id when it has one, else by its address (a
    page first seen without an id is still found when its snippet gains one)."""
    key = key_of(url)
    identifier = _checked_identifier(identifier)
    if identifier:
        page = _pages(site).filter(identifier=identifier).first()
        if page is not None:
            return page
        return _pages(site).filter(key_digest=addresses.digest(key), identifier="").first()
    return _pages(site).filter(key_digest=addresses.digest(key)).first()


def page_title(title: str, fallback: str) -> str:
    """The title as given, its whitespace collapsed, cut to MAX_TITLE_LENGTH characters."""
    text = " ".join(_printable(title).split()) or fallback
    if len(text) > MAX_TITLE_LENGTH:
        text = text[: MAX_TITLE_LENGTH - 1].rstrip() + "…"
    return text


def open_page(
    site: Site, *, origin: str, client: str, url: str, title: str, identifier: str = ""
) -> tuple[EmbeddedPage, bool]:
    """The page's thread, made with its Post on the first call; (page, made now).

    Idempotent: a second call, or one racing this one, answers the same page. A page can
    only be opened from its own host's origin; a client opens at most NEW_PAGE_RATE.
    """
    key = key_of(url)
    identifier = _checked_identifier(identifier)
    page_host = addresses.host_of(url)
    if page_host != addresses.origin_host(origin):
        raise Forbidden(
            _(
                "The page %(host)s is not on %(origin)s: a site opens threads only for its "
                "own pages."
            )
            % {"host": page_host, "origin": origin},
            field="url",
            code="other_host",
        )
    existing = _existing(site, key, identifier)
    if existing is not None:
        return existing, False
    ratelimit.enforce(
        "embed_page", client, [NEW_PAGE_RATE], what=_("new threads for pages from your address")
    )
    try:
        with transaction.atomic():
            seed = f"id:{identifier}" if identifier else key
            post = create_post(
                slug=f"embed-{site.pk}-{addresses.digest(seed)[:12]}",
                title=page_title(title, fallback=key.partition("://")[2]),
            )
            page = EmbeddedPage.objects.create(
                site=site,
                key=key,
                key_digest=addresses.digest(key),
                url=url.strip(),
                title=post.title,
                identifier=identifier,
                post=post,
            )
    except (IntegrityError, ValidationError):
        # Another request made it meanwhile (its post's slug or its page's key is taken).
        existing = _existing(site, key, identifier)
        if existing is None:
            raise
        return existing, False
    return _pages(site).get(pk=page.pk), True


def _existing(site: Site, key: str, identifier: str) -> EmbeddedPage | None:
    """The page already made for this key or id; a page known by its address takes the id
    its snippet now gives (once: a page that has another id is another thread)."""
    if identifier:
        page = _pages(site).filter(identifier=identifier).first()
        if page is not None:
            return page
    page = _pages(site).filter(key_digest=addresses.digest(key)).first()
    if page is None or not identifier or page.identifier == identifier:
        return page
    if page.identifier:
        raise Conflict(
            _(
                "This address already has a thread under another data-parley-id "
                "(“%(other)s”): give the page that id, or none."
            )
            % {"other": page.identifier},
            field="id",
        )
    EmbeddedPage.objects.filter(pk=page.pk, identifier="").update(identifier=identifier)
    page.identifier = identifier
    return page


def counts(
    site: Site, urls: Sequence[str], identifiers: Sequence[str] = ()
) -> tuple[dict[str, int], dict[str, int]]:
    """Each address's and each data-parley-id's published comment count (0 for pages
    without a thread), at most MAX_COUNTED_URLS of both together."""
    if not urls and not identifiers:
        raise Invalid(
            _("Say which pages to count: url=<address> or id=<data-parley-id>, repeated."),
            field="url",
        )
    if len(urls) + len(identifiers) > MAX_COUNTED_URLS:
        raise Invalid(
            _("%(n)s pages were asked for; at most %(max)s are counted in one request.")
            % {"n": len(urls) + len(identifiers), "max": MAX_COUNTED_URLS},
            field="url",
        )
    digests = {url: addresses.digest(key_of(url)) for url in urls}
    wanted = {_checked_identifier(identifier) for identifier in identifiers} - {""}
    by_address = dict(
        EmbeddedPage.objects.filter(site=site, key_digest__in=set(digests.values())).values_list(
            "key_digest", "post__thread__comment_count"
        )
    )
    by_id = dict(
        EmbeddedPage.objects.filter(site=site, identifier__in=wanted).values_list(
            "identifier", "post__thread__comment_count"
        )
        if wanted
        else ()
    )
    return (
        {url: by_address.get(digest) or 0 for url, digest in digests.items()},
        {identifier: by_id.get(_printable(identifier).strip()) or 0 for identifier in identifiers},
    )
