import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Personas and the superuser get passwords; Argon2 costs ~0.1 s a hash, MD5 nothing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
