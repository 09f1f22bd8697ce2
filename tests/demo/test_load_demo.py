"""The demo a newcomer sees after `make run`: loaded through the actions, once."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Max

from parley.discussion.models import Comment, Quote
from parley.publishing.models import Post

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_a_second_run_changes_nothing(capsys, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("load_demo")
    first = capsys.readouterr().out
    assert "Loaded the demo dossier" in first and "user admin, password " in first
    counts = (Post.objects.count(), Comment.objects.count(), Quote.objects.count())

    call_command("load_demo")
    second = capsys.readouterr().out
    assert "already loaded" in second
    assert (Post.objects.count(), Comment.objects.count(), Quote.objects.count()) == counts
    assert first.splitlines()[-1] == second.splitlines()[-1]  # the same admin password


def test_demo_is_a_dossier_with_a_long_deep_multilingual_discussion(settings, tmp_path, client):
    settings.DATA_DIR = tmp_path
    call_command("load_demo", verbosity=0)
    post = Post.objects.get()
    documents = list(post.documents.all())
    assert post.is_dossier and len({d.kind for d in documents}) == 3
    assert [d.occurred_at for d in documents] == sorted(d.occurred_at for d in documents)
    comments = Comment.objects.filter(thread=post.thread)
    assert comments.count() >= 200
    assert comments.aggregate(Max("depth"))["depth__max"] >= 6
    assert Quote.objects.filter(source_comment__isnull=False).count() >= 10
    assert Quote.objects.filter(source_document__isnull=False).count() >= 10
    assert comments.filter(body_html__contains='class="mention"').count() >= 10
    assert comments.filter(body_html__contains='href="https://').count() >= 10
    bodies = " ".join(comments.values_list("body", flat=True))
    for word in ("não", "nije", "это", "nicht"):  # Portuguese, Serbian, Russian, German
        assert word in bodies
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200 and "Load more comments" in response.content.decode()


def test_the_data_checker_passes_on_the_shipped_data():
    import subprocess
    import sys
    from pathlib import Path

    checker = Path(__file__).resolve().parents[2] / "parley" / "demo" / "check_data.py"
    result = subprocess.run([sys.executable, str(checker)], capture_output=True, text=True)  # noqa: S603
    assert result.returncode == 0, result.stdout + result.stderr
    assert "check_data: OK" in result.stdout


def _check(data_dir):
    import subprocess
    import sys
    from pathlib import Path

    checker = Path(__file__).resolve().parents[2] / "parley" / "demo" / "check_data.py"
    return subprocess.run(  # noqa: S603
        [sys.executable, str(checker), str(data_dir)], capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.pop("moderation"), "missing field 'moderation'"),
        (lambda c: c.update(moderation="remove"), "'moderation' must be"),
        (
            lambda c: c.update(moderation={"remove": "rude", "note": "a rude remark"}),
            "unknown moderation label 'rude'",
        ),
        (lambda c: c.update(moderation={"remove": "insult"}), "'moderation' must be"),
        (lambda c: c.update(moderation={"keep": True, "note": ""}), "moderation note"),
        (
            lambda c: c.update(moderation={"remove": "duplicate", "note": "posted twice, it says"}),
            "marked duplicate",
        ),
    ],
)
def test_the_data_checker_names_a_bad_moderation_judgement(tmp_path, change, message):
    import json
    import shutil
    from pathlib import Path

    data = Path(__file__).resolve().parents[2] / "parley" / "demo" / "data"
    shutil.copy(data / "dossier.json", tmp_path / "dossier.json")
    rows = json.loads((data / "discussion.json").read_text())
    change(rows[2])
    (tmp_path / "discussion.json").write_text(json.dumps(rows, ensure_ascii=False))
    result = _check(tmp_path)
    assert result.returncode == 1
    assert "comment c3" in result.stderr and message in result.stderr, result.stderr


def test_the_example_blog_is_made_once_with_comments_in_two_languages(capsys, settings, tmp_path):
    from parley.embed.models import EmbeddedPage, Site

    settings.DATA_DIR = tmp_path
    call_command("load_demo", "--example-host", "http://127.0.0.1:8001")
    first = capsys.readouterr().out
    assert "Made the embedding site “Example blog” (http://127.0.0.1:8001, " in first
    site = Site.objects.get()
    assert site.origins == ["http://127.0.0.1:8001", "http://localhost:8001"]
    page = EmbeddedPage.objects.get()
    assert page.site == site and page.identifier == "example-blog-harbour-ferry-timetable"
    assert page.url == "http://127.0.0.1:8001/articles/harbour-ferry-timetable/"
    comments = Comment.objects.filter(thread=page.post.thread)
    assert comments.count() == 5 and comments.filter(status="published").count() == 5
    assert comments.filter(parent__isnull=False).count() == 2
    languages = set(comments.values_list("language", flat=True))
    assert {"en", "pt"} <= languages, languages
    counts = (Site.objects.count(), EmbeddedPage.objects.count(), Comment.objects.count())

    call_command("load_demo", "--example-host", "http://127.0.0.1:8001")
    assert "“Example blog” is already loaded" in capsys.readouterr().out
    assert (Site.objects.count(), EmbeddedPage.objects.count(), Comment.objects.count()) == counts


def test_the_example_blogs_thread_answers_both_of_its_origins(settings, tmp_path, client):
    settings.DATA_DIR = tmp_path
    call_command("load_demo", "--example-host", "http://127.0.0.1:8001", verbosity=0)
    for origin in ("http://127.0.0.1:8001", "http://localhost:8001"):
        response = client.get(
            "/api/v1/embed/thread",
            {
                "url": f"{origin}/articles/harbour-ferry-timetable/",
                "id": "example-blog-harbour-ferry-timetable",
            },
            HTTP_ORIGIN=origin,
        )
        assert response.status_code == 200, response.content
        assert response["Access-Control-Allow-Origin"] == origin
        thread = response.json().get("thread", response.json())
        assert thread["comment_count"] == 5
        assert thread["title"] == "The harbour ferry keeps its winter timetable"


def test_another_port_for_the_example_blog_adds_its_origins(capsys, settings, tmp_path):
    from parley.embed.models import Site

    settings.DATA_DIR = tmp_path
    call_command("load_demo", "--example-host", "http://127.0.0.1:8001", verbosity=0)
    call_command("load_demo", "--example-host", "http://127.0.0.1:9001")
    assert Site.objects.get().origins == [
        "http://127.0.0.1:8001",
        "http://localhost:8001",
        "http://127.0.0.1:9001",
        "http://localhost:9001",
    ]


@pytest.mark.parametrize("address", ["https://127.0.0.1:8001", "http://127.0.0.1", "8001"])
def test_a_bad_example_host_address_is_refused_with_a_sentence(settings, tmp_path, address):
    from django.core.management.base import CommandError

    settings.DATA_DIR = tmp_path
    with pytest.raises(CommandError, match="is not an address such as http://127.0.0.1:8001"):
        call_command("load_demo", "--example-host", address, verbosity=0)
