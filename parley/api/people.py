"""GET /api/v1/people/{id}: an account's public profile, as its profile page shows it to
every reader (never its login name or e-mail; guests have none)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import Field

from parley.api.schemas import ErrorOut
from parley.discussion import people

router = Router(tags=["people"])

MAX_LIMIT = 100


class PersonParams(Schema):
    offset: int = Field(0, ge=0, le=10_000_000)
    limit: int = Field(20, ge=1, le=MAX_LIMIT, description=f"At most {MAX_LIMIT}.")


class PersonCommentOut(Schema):
    id: int
    post_slug: str
    post_title: str
    created_at: datetime
    language: str
    body_html: str = Field(description="The comment as rendered and sanitized when posted.")
    up_count: int
    down_count: int
    permalink: str = Field(description="The comment in place in its discussion.")
    context: str = Field(description="The comment with the one it answers and its replies.")


class PersonOut(Schema):
    id: int
    name: str = Field(description="The public name: the display name, else the user name.")
    moderator: bool
    joined: datetime
    comment_count: int = Field(description="Published comments under published posts.")
    votes_up: int = Field(description="“Useful” votes those comments received.")
    votes_down: int | None = Field(
        description="“Not useful” votes they received; null where the site takes none."
    )
    offset: int
    limit: int
    next: str | None = Field(description="The URL of the next page, or null on the last page.")
    comments: list[PersonCommentOut] = Field(description="Newest first.")


@router.get("/people/{id}", response={200: PersonOut, 400: ErrorOut, 404: ErrorOut})
def get_person(request: HttpRequest, id: int, params: Query[PersonParams]):
    """An active account's public name, record and visible comments, a page at a time."""
    person = people.access_person(id)
    record = people.record_of(person)
    page = people.comments_page(person, offset=params.offset, limit=params.limit)
    next_url = None
    if page.has_more:
        next_url = (
            f"/api/v1/people/{person.pk}?offset={params.offset + params.limit}&limit={params.limit}"
        )
    return {
        "id": person.pk,
        "name": person.public_name,
        "moderator": person.moderates,
        "joined": person.date_joined,
        "comment_count": record.comments,
        "votes_up": record.up,
        "votes_down": record.down if settings.PARLEY_DOWNVOTES else None,
        "offset": params.offset,
        "limit": params.limit,
        "next": next_url,
        "comments": [
            {
                "id": c.pk,
                "post_slug": c.thread.post.slug,
                "post_title": c.thread.post.title,
                "created_at": c.created_at,
                "language": c.language,
                "body_html": c.body_html,
                "up_count": c.up_count,
                "down_count": c.down_count,
                "permalink": request.build_absolute_uri(reverse("comment", args=[c.pk])),
                "context": request.build_absolute_uri(reverse("comment-context", args=[c.pk])),
            }
            for c in page.comments
        ],
    }
