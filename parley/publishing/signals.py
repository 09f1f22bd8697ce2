"""Events sent while a post is saved, inside its transaction.

Publishing knows nothing of discussions: the discussion app listens here and opens (or
refreshes) the post's thread in the same transaction, so a saved post always has one.
"""

from django.dispatch import Signal

post_saved = Signal()  # post=, created=
