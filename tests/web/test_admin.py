"""Editors publish dossiers in the Django admin."""

from __future__ import annotations

import pytest

from parley.accounts.models import User
from parley.publishing.models import Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser("chief", "chief@example.org", "chief-pass-1234")
    client.force_login(user)
    return client


def _form(**document):
    data = {
        "kind": "dossier",
        "slug": "new-dossier",
        "title": "New dossier",
        "introduction": "Read *these*.",
        "published_at_0": "2022-02-04",
        "published_at_1": "18:00:00",
        "is_published": "on",
        "documents-TOTAL_FORMS": "1",
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "1000",
        "documents-0-kind": "transcript",
        "documents-0-title": "Briefing",
        "documents-0-slug": "briefing",
        "documents-0-issuer": "Ministry",
        "documents-0-place": "Vienna",
        "documents-0-occurred_at_0": "2022-02-01",
        "documents-0-occurred_at_1": "10:00:00",
        "documents-0-timezone": "Europe/Vienna",
        "documents-0-source_url": "https://example.org/b",
        "documents-0-language": "en",
        "documents-0-body": "Question: Why?\n\nMinister: Because.",
    }
    data.update(document)
    return data


def test_editor_publishes_a_dossier_with_the_dateline_in_the_documents_zone(admin_client):
    response = admin_client.post("/admin/publishing/post/add/", _form())
    assert response.status_code == 302, response.content.decode()[:2000]
    post = Post.objects.get(slug="new-dossier")
    document = post.documents.get()
    assert document.local_time.strftime("%Y-%m-%d %H:%M %Z") == "2022-02-01 10:00 CET"
    assert 'class="passage turn turn--answer"' in document.body_html
    assert post.introduction_html == "<p>Read <em>these</em>.</p>\n"
    assert post.thread.is_open
    edit_page = admin_client.get(f"/admin/publishing/post/{post.pk}/change/").content.decode()
    assert 'value="10:00:00"' in edit_page  # shown back as typed, not in the site's zone


def test_bad_time_zone_is_refused_with_a_message(admin_client):
    response = admin_client.post(
        "/admin/publishing/post/add/", _form(**{"documents-0-timezone": "Mars/Olympus"})
    )
    assert response.status_code == 200
    assert "is not a time zone name" in response.content.decode()
    assert not Post.objects.exists()
