"""GET /api/v1/search."""

from django.urls import reverse


def test_search_answers_threads_of_matches(client, commented):
    first, _ = commented
    data = client.get("/api/v1/search", {"q": "ZELJKO", "language": ""}).json()
    assert data["count"] == 1
    (thread,) = data["threads"]
    assert thread["post_title"] == "The Lastovo crossing"
    (match,) = thread["matches"]
    assert match["kind"] == "comment"
    assert match["id"] == first.pk
    assert match["url"].endswith(reverse("comment", args=[first.pk]))
    assert match["is_original"] is True


def test_an_empty_query_answers_a_message(client, commented):
    data = client.get("/api/v1/search").json()
    assert data["threads"] == []
    assert data["message"].startswith("Type a word")


def test_bad_input_is_a_400_with_a_sentence(client, commented):
    response = client.get("/api/v1/search", {"q": "a " * 600})
    assert response.status_code == 400
    assert response.json()["error"] == "query_too_long"
    assert "500 characters" in response.json()["message"]
    response = client.get("/api/v1/search", {"q": "x", "since": "1 Feb"})
    assert response.status_code == 400
    assert response.json()["field"] == "since"
    assert client.get("/api/v1/search", {"q": "x", "limit": "0"}).status_code == 400
    assert client.get("/api/v1/search", {"q": "x", "limit": "51"}).status_code == 400


def test_fts_syntax_is_searched_as_words(client, commented):
    for q in ['"', "NEAR(", "a*", ")", "noon OR"]:
        assert client.get("/api/v1/search", {"q": q}).status_code == 200


def test_the_route_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/search" in paths


def test_results_page_on_with_each_comment_once(client, thread, post_as, no_rate_limit):
    """Five comments, one of them also found in a stored translation: pages of two show each
    comment once, in rank order, and say when a next page exists."""
    from parley.language.models import Translation
    from parley.language.translator import source_of, touch_threads

    posted = [
        post_as(thread, f"Reader {i}", f"Gauging station number {i} flooded.") for i in range(5)
    ]
    language, digest = source_of(Translation.Kind.COMMENT, posted[0])
    Translation.objects.create(
        kind=Translation.Kind.COMMENT,
        object_id=posted[0].pk,
        target="pt",
        source_language=language,
        source_digest=digest,
        engine="test",
        model_version="1",
        state=Translation.State.DONE,
        html="<p>A station de medição número 0 inundou.</p>",
    )
    touch_threads(Translation.Kind.COMMENT, [posted[0].pk])
    seen, pages = [], []
    for page in (1, 2, 3):
        data = client.get("/api/v1/search", {"q": "station", "limit": 2, "page": page}).json()
        assert data["page"] == page
        pages.append(data["has_more"])
        seen += [m["id"] for t in data["threads"] for m in t["matches"]]
    assert sorted(seen) == sorted(c.pk for c in posted)
    assert pages == [True, True, False]
    data = client.get("/api/v1/search", {"q": "station", "limit": 2, "page": 4}).json()
    assert data["threads"] == [] and data["message"].startswith("There are no more matches")
    response = client.get("/api/v1/search", {"q": "station", "page": 11})
    assert response.status_code == 400
