"""Template helpers for the vote buttons under each comment."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def downvotes_offered() -> bool:
    """Whether the site offers "Not useful" (PARLEY_DOWNVOTES), read when the page renders."""
    return bool(settings.PARLEY_DOWNVOTES)
