"""/search/: the site's search page, and each post's search box."""

from django.urls import reverse

from parley.search.models import Entry


def _get(client, **params):
    return client.get(reverse("search"), params)


def test_results_are_grouped_by_thread_with_marked_excerpts_and_permalinks(client, commented):
    first, _ = commented
    response = _get(client, q="zeljko noon")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="search-thread"' in html
    assert html.count('class="search-thread"') == 1
    assert "The Lastovo crossing" in html
    assert reverse("comment", args=[first.pk]) in html
    assert "<mark>noon</mark>" in html
    assert "<mark>Željko</mark>" not in html  # the name is in the meta line, not the excerpt


def test_serbian_cyrillic_is_found_by_its_latin_spelling_and_back(
    client, thread, post_as, no_rate_limit
):
    cyrillic = post_as(thread, "Милица", "Писмо министру стигло је у подне.")
    latin = post_as(thread, "Jovan", "Pismo je objavljeno tek u petak.")
    for q in ("pismo", "писмо", "PISMO"):
        html = _get(client, q=q).content.decode()
        assert reverse("comment", args=[cyrillic.pk]) in html
        assert reverse("comment", args=[latin.pk]) in html
        assert "<mark>Писмо</mark>" in html and "<mark>Pismo</mark>" in html
    html = _get(client, q='"stiglo je u podne"').content.decode()
    assert reverse("comment", args=[cyrillic.pk]) in html
    assert reverse("comment", args=[latin.pk]) not in html


def test_a_document_passage_links_to_its_anchor(client, dossier):
    html = _get(client, q="inspections").content.decode()
    assert "/posts/lastovo/#letter-p3" in html
    assert "<mark>Inspections</mark>" in html


def test_excerpts_escape_everything_but_the_marks(client, thread, post_as, no_rate_limit):
    post_as(thread, "Guest", "Look: <script>alert(1)</script> & the zeppelin `<b>x</b>`.")
    html = _get(client, q="zeppelin").content.decode()
    assert "<script>alert" not in html
    assert "<b>x</b>" not in html
    assert "<mark>zeppelin</mark>" in html


def test_an_excerpt_is_escaped_text_with_marks():
    from parley.search.searching import excerpt

    marked = excerpt('a <b>Zeppelin</b> & "c"', frozenset({"zeppelin"}))
    assert marked == "a &lt;b&gt;<mark>Zeppelin</mark>&lt;/b&gt; &amp; &quot;c&quot;"
    long = excerpt(" ".join(f"w{i}" for i in range(100)) + " zeppelin end", frozenset({"zeppelin"}))
    assert long.startswith("… ") and "<mark>zeppelin</mark> end" in long


def test_an_empty_query_answers_a_message_and_no_results(client, commented):
    response = _get(client, q="")
    assert response.status_code == 200
    assert "Type a word" in response.content.decode()
    response = _get(client, q='"*" ()')
    assert response.status_code == 200
    assert "There is no word to search for" in response.content.decode()


def test_a_query_of_a_thousand_words_is_refused_with_a_sentence(client, commented):
    before = Entry.objects.count()
    response = _get(client, q=" ".join(["word"] * 1000))
    assert response.status_code == 400
    assert "at most 500 characters" in response.content.decode()
    assert Entry.objects.count() == before


def test_fts_syntax_finds_plain_words_and_never_fails(client, commented):
    for q in ['"', "lastovo*", "NEAR(a b)", "((lastovo", 'folded:"noon', "a OR b AND NOT c"]:
        response = _get(client, q=q)
        assert response.status_code == 200, q
    assert "<mark>Lastovo</mark>" in _get(client, q="((lastovo").content.decode()


def test_filters_narrow_and_bad_filters_are_refused(client, commented):
    assert "search-result" in _get(client, q="trucks", author="Rosa").content.decode()
    none = _get(client, q="trucks", author="Nobody", until="2000-01-01").content.decode()
    assert "Nothing was found" in none
    bad = _get(client, q="trucks", since="yesterday")
    assert bad.status_code == 400
    assert "YYYY-MM-DD" in bad.content.decode()
    assert _get(client, q="trucks", language="<x>").status_code == 400
    assert _get(client, q="trucks", post="no-such-post").status_code == 400


def test_the_post_search_box_limits_the_search_to_the_post(client, commented, editor):
    from parley.publishing.actions import create_post

    create_post(slug="other", title="Another post about noon", author=editor)
    page = client.get("/posts/lastovo/").content.decode()
    assert 'name="post" value="lastovo"' in page
    everywhere = _get(client, q="noon").content.decode()
    assert "Another post about noon" in everywhere
    here = _get(client, q="noon", post="lastovo").content.decode()
    assert "Another post about noon" not in here
    assert "In this post only." in here


def test_every_page_has_the_site_search_box(client, commented):
    assert 'action="/search/"' in client.get("/").content.decode()


def test_an_unpublished_post_is_no_scope_to_search_in(client, commented, dossier):
    from parley.publishing.actions import save_post

    dossier.is_published = False
    save_post(dossier)
    response = _get(client, q="noon", post="lastovo")
    assert response.status_code == 400  # as for a post that does not exist
    assert "There is no post at this address." in response.content.decode()


def test_the_page_links_to_more_matches_and_refuses_pages_past_the_last(
    client, thread, post_as, no_rate_limit, monkeypatch
):
    from parley.search import searching

    monkeypatch.setattr(searching, "MAX_RESULTS", 2)
    for i in range(3):
        post_as(thread, f"Reader {i}", f"The gauging station {i} was flooded.")
    first = _get(client, q="gauging", language="en").content.decode()
    assert "Matches 1 to 2, best first" in first
    assert 'rel="next" href="/search/?q=gauging&amp;language=en&amp;page=2"' in first
    assert 'rel="prev"' not in first
    second = _get(client, q="gauging", language="en", page="2").content.decode()
    assert "Matches 3 to 3, best first" in second
    assert 'rel="prev" href="/search/?q=gauging&amp;language=en"' in second
    assert 'rel="next"' not in second
    for page in ("0", "11", "two"):
        response = _get(client, q="gauging", page=page)
        assert response.status_code == 400
        assert "pages 1 to 10" in response.content.decode()
