"""Names through the pages people use: the guest form, sign-up, account settings, the thread."""

from __future__ import annotations

import html

import pytest

from parley.accounts.models import User
from parley.discussion.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Sign-ups hash a password; Argon2 costs ~0.1 s a hash, MD5 nothing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def ana(db):
    """A moderator with an ordinary name."""
    return User.objects.create_user(
        "ana", "ana@example.org", "ana-pass-1234", display_name="Ana Silva", is_moderator=True
    )


def _post(client, name, body="What does the annex say?", slug="lastovo"):
    return client.post(f"/posts/{slug}/comments/", {"name": name, "body": body})


def _text(response) -> str:
    return html.unescape(response.content.decode())


# -- guests ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "word"),
    [
        ("Moderator", "moderator"),
        ("Admin Team", "admin"),
        ("M0derator", "moderator"),
        ("Модератор", "модератор"),
        ("M o d", "mod"),
        ("Ana (mod)", "mod"),
        ("Ana [Moderator]", "moderator"),
        ("Mara (editor)", "editor"),
    ],
)
def test_a_guest_cannot_post_as_staff(client, thread, name, word):
    response = _post(client, name)
    assert response.status_code == 400
    text = _text(response)
    assert f"Names cannot contain “{word}” or a word that looks like it" in text
    assert "Choose a name without it." in text
    assert 'name="name" value="' in text and 'aria-invalid="true"' in text
    assert not Comment.objects.exists()
    thread.refresh_from_db()
    assert thread.comment_count == 0


def test_a_guest_cannot_take_a_moderators_name(client, thread, ana):
    for name in ["Ana Silva", "ana  silva", "ANA.SILVA"]:
        response = _post(client, name)
        assert response.status_code == 400
        assert "“Ana Silva” is the name of someone on this site's staff" in _text(response)
    assert not Comment.objects.exists()


def test_a_cyrillic_letter_in_a_latin_name_is_refused(client, thread, ana):
    response = _post(client, "\u0410na Silva")  # Cyrillic А
    assert response.status_code == 400
    assert "mixes letters of different alphabets" in _text(response)
    assert "Write each word in one alphabet." in _text(response)


def test_a_badge_in_the_name_is_refused(client, thread):
    response = _post(client, "Ana ✔")
    assert response.status_code == 400
    assert "Names cannot contain “✔”: it looks like a staff badge. Remove it." in _text(response)


def test_the_post_authors_name_is_theirs_in_their_own_thread(client, thread, rosa):
    from parley.publishing.actions import create_post

    create_post(slug="rosas-note", title="A note", author=rosa)
    response = _post(client, "Rosa Lima", slug="rosas-note")
    assert response.status_code == 400
    assert "“Rosa Lima” is the name of someone on this site's staff" in _text(response)
    # Rosa is not staff: under a post someone else wrote, her name is anyone's.
    assert _post(client, "Rosa Lima").status_code == 302


def test_invisible_characters_are_removed_from_a_guests_name(client, thread):
    response = _post(client, "Ana\u202egnp.exe\u200b  Lima\u00ad")
    assert response.status_code == 302
    assert Comment.objects.get().author_name == "Anagnp.exe Lima"


def test_a_name_of_invisible_characters_only_is_refused(client, thread):
    response = _post(client, "\u200b\u202e\u2066\ufeff")
    assert response.status_code == 400
    assert "Give a name to comment as a guest, or log in." in _text(response)
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "name", ["Đorđe Petrović", "Алексей", "José", "Zoë", "Moderato Jones", "山田太郎", "محمد"]
)
def test_ordinary_names_in_every_script_post(client, thread, ana, name):
    assert _post(client, name).status_code == 302
    assert Comment.objects.get().author_name == name


def test_staff_keep_their_names(client, thread, moderator):
    client.force_login(moderator)
    assert _post(client, "").status_code == 302
    assert Comment.objects.get().author_name == "Moe Moderator"


# -- sign-up and settings ---------------------------------------------------------------------


def _sign_up(client, username, display_name=""):
    return client.post(
        "/signup/",
        {
            "username": username,
            "display_name": display_name,
            "email": "",
            "password1": "a-long-passphrase-42",
            "password2": "a-long-passphrase-42",
        },
    )


def test_sign_up_refuses_a_staff_display_name(client):
    response = _sign_up(client, "lena", "Admin")
    assert response.status_code == 400
    assert "Names cannot contain “admin”" in _text(response)
    assert not User.objects.exists()


def test_sign_up_refuses_a_staff_username(client, ana):
    for username in ["m0derator", "ana.silva"]:
        response = _sign_up(client, username)
        assert response.status_code == 400, username
    assert not User.objects.filter(is_moderator=False).exists()


def test_sign_up_cleans_the_display_name(client):
    assert _sign_up(client, "dorde", "Đorđe\u200d Petrović\u202e").status_code == 302
    assert User.objects.get(username="dorde").display_name == "Đorđe Petrović"


def test_sign_up_refuses_an_invisible_display_name(client):
    response = _sign_up(client, "lena", "\u200b\u200b")
    assert response.status_code == 400
    assert "The name has no visible characters. Type a name with letters." in _text(response)


def _settings(client, display_name):
    return client.post(
        "/account/",
        {"display_name": display_name, "email": "", "website": "", "timezone": ""},
    )


def test_settings_refuse_a_staff_name_for_readers(client, rosa):
    client.force_login(rosa)
    response = _settings(client, "Rosa ✓ Official")
    assert response.status_code == 400
    assert "looks like a staff badge" in _text(response)
    response = _settings(client, "Support")
    assert response.status_code == 400 and "Names cannot contain “support”" in _text(response)
    rosa.refresh_from_db()
    assert rosa.display_name == "Rosa Lima"


def test_settings_let_staff_keep_staff_words(client, moderator):
    client.force_login(moderator)
    assert _settings(client, "Moe (Moderator)").status_code == 302
    moderator.refresh_from_db()
    assert moderator.display_name == "Moe (Moderator)"


def test_settings_clean_the_display_name(client, rosa):
    client.force_login(rosa)
    assert _settings(client, "Rosa\u202e Lima\u2069").status_code == 302
    rosa.refresh_from_db()
    assert rosa.display_name == "Rosa Lima"


# -- the thread page --------------------------------------------------------------------------


def test_the_badge_is_not_part_of_the_name(client, thread, moderator, post_as):
    post_as(thread, "", "From the moderators", user=moderator)
    page = client.get("/posts/lastovo/").content.decode()
    assert (
        f'<a class="author author--person" href="/people/{moderator.pk}/">Moe Moderator</a>\n'
        '<span class="badge badge--moderator">Moderator</span>'
    ) in page
