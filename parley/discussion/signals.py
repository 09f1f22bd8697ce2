"""Events sent after a change has committed (live updates, e-mail and translation attach here)."""

from django.dispatch import Signal

comment_posted = Signal()  # comment=
comment_edited = Signal()  # comment=
comment_deleted = Signal()  # comment=
comments_status_changed = Signal()  # comments= (many at once, set_comments_status)
comments_deleted = Signal()  # comments= (many at once, delete_comments)
