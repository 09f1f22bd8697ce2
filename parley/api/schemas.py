"""What the API accepts and answers, as typed schemas (they make the OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

Sort = Literal["oldest", "newest", "replies", "best"]


class ErrorOut(Schema):
    error: str = Field(description="A stable code, e.g. empty, too_long, bad_parent, rate_limited.")
    message: str = Field(description="What is wrong, written for a person.")
    field: str | None = None
    retry_after: int | None = None


class CommentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(
        description="Markdown, at most PARLEY_COMMENT_MAX_LENGTH (10,000) characters. "
        "Quotes: ':::quote comment ID' or ':::quote document ANCHOR', "
        "the quoted words, then ':::' on its own line.",
    )
    name: str = Field("", description="Required for guests; ignored for logged-in accounts.")
    email: str = Field("", description="Optional, never shown.")
    website: str = Field("", description="Optional http(s) address.")
    parent_id: int | None = Field(None, description="The comment this one replies to.")


class CommentEditIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str


class AuthorOut(Schema):
    name: str
    website: str
    badge: Literal["", "author", "moderator"]


class QuoteOut(Schema):
    comment_id: int | None
    document: str | None
    passage: int | None
    excerpt: str


class TranslationOut(Schema):
    state: Literal["translated", "pending", "unavailable", "failed"] = Field(
        description="pending: being made, ask again later; unavailable: no engine on this "
        "server covers the pair."
    )
    language: str = Field(description="The language translated into.")
    html: str = Field("", description="The translated body (sanitized HTML) when translated.")
    engine: str = Field("", description="What translated it, for the reader's label.")


class CommentOut(Schema):
    id: int
    thread_id: int
    parent_id: int | None
    depth: int
    status: Literal["published", "deleted", "pending", "rejected"]
    author: AuthorOut
    created_at: datetime
    edited_at: datetime | None
    body_html: str
    language: str = Field(description='Detected language code; "" when unknown (too short).')
    language_confidence: float
    reply_count: int
    up_count: int = Field(
        description="Readers who found it useful (votes counted once per network in a burst)."
    )
    down_count: int = Field(
        description="Readers who found it not useful (0 unless the site takes such votes)."
    )
    best_score: float = Field(
        description="The lower bound of the Wilson interval at 95% over the counted votes: "
        "what sort=best orders by."
    )
    permalink: str
    translation: TranslationOut | None = Field(
        None,
        description="With ?lang=: the comment in that language, when it is written in another.",
    )


class CommentDetailOut(CommentOut):
    body: str
    quotes: list[QuoteOut]


class RepeatsOut(Schema):
    id: int
    permalink: str
    created_at: datetime
    yours: bool = Field(description="The earlier comment is the poster's own (posted twice).")


class PostedCommentOut(CommentDetailOut):
    edit_token: str | None = Field(
        None,
        description="Guests: send it as X-Edit-Token to edit or "
        "delete this comment within the edit window.",
    )
    notice: str | None = Field(
        None,
        description='With status "pending": the comment is held for review, and this sentence '
        "tells its author so (only they can see it, at its permalink, until a moderator "
        "approves it). Null for a published comment.",
    )
    repeats: RepeatsOut | None = Field(
        None,
        description="Held as a repeat: the earlier comment it repeats, when the poster may "
        "see that one.",
    )


class VoteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    value: int = Field(
        strict=True,
        description="1: useful; -1: not useful (only where the site takes such votes, "
        "PARLEY_DOWNVOTES); 0: withdraw your vote.",
    )


class VoteOut(Schema):
    id: int = Field(description="The comment.")
    up_count: int
    down_count: int
    best_score: float
    my_vote: Literal[1, -1, 0] = Field(description="Your vote now (0: none).")
    counted: bool = Field(
        description="Whether your vote counts: false for a vote from a network that voted on "
        "this comment in the last 10 minutes (kept, but counted once per network)."
    )


class CommentPageOut(Schema):
    thread_id: int
    count: int = Field(description="Published comments in the thread.")
    sort: Sort
    offset: int
    limit: int
    next: str | None = Field(description="The URL of the next page, or null on the last page.")
    comments: list[CommentOut] = Field(
        description="In display order: each top-level comment "
        "followed by its replies; rebuild the tree "
        "from parent_id."
    )


class ThreadOut(Schema):
    id: int
    post_slug: str
    post_title: str
    url: str
    is_open: bool
    comment_count: int


class DocumentOut(Schema):
    anchor: str
    kind: str
    title: str
    issuer: str
    place: str
    occurred_at: datetime
    timezone: str
    source_url: str
    language: str
    body_html: str


class PostOut(Schema):
    slug: str
    kind: str
    title: str
    published_at: datetime
    introduction_html: str
    thread: ThreadOut
    documents: list[DocumentOut]


class RevisionOut(Schema):
    written_at: datetime
    replaced_at: datetime
    body: str
    body_html: str


class FlagIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(description="One of the flag_reasons values, e.g. spam or other.")
    text: str = Field("", description="What is wrong; required with the reason other.")


class FlaggedOut(Schema):
    message: str = Field(description="A sentence to show the reader who flagged.")
