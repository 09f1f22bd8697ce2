import pytest


@pytest.fixture
def found():
    """found("words", only="comment", author=...) -> [(kind, id), ...] a reader finds."""
    from parley.search import searching

    def _found(text, only="", **filters):
        results = searching.search(text, searching.filters_from(**filters))
        got = [(m.source, m.object_id) for g in results.groups for m in g.matches]
        return [(kind, pk) for kind, pk in got if kind == only] if only else got

    return _found


@pytest.fixture
def commented(thread, post_as, no_rate_limit):
    """Two readers' comments under the dossier."""
    first = post_as(
        thread, "Željko Ivanović", "The crossing at Lastovo opened at noon, as promised."
    )
    second = post_as(thread, "Rosa", "Trucks still waited on Friday near the border.", parent=first)
    return first, second
