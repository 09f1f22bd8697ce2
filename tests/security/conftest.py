import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Personas and the superuser get passwords; Argon2 costs ~0.1 s a hash, MD5 nothing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_moderation_signals(settings):
    """These tests post the same payloads again and again to see how they render; the
    duplicate and rules signals would rightly hold them (tests/moderation tests those)."""
    settings.PARLEY_MODERATION_SIGNALS = []
