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
