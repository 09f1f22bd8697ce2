from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parley.accounts.models import User
from parley.accounts.names import check_name
from parley.lib import ratelimit
from parley.lib.clients import client_key
from parley.lib.errors import Invalid, TooManyRequests


def _checked_name(value: str, user: User | None, *, field: str) -> str:
    """A chosen name, cleaned of invisible characters and checked against staff names."""
    if not value:
        return value
    try:
        return check_name(value, field=field, user=user)
    except Invalid as error:
        raise forms.ValidationError(error.message, code=error.code) from None


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        label=_("E-mail"), required=False, help_text=_("Optional. Never shown to other readers.")
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name", "email")

    def clean_username(self) -> str:
        return _checked_name(super().clean_username(), None, field="username")

    def clean_display_name(self) -> str:
        return _checked_name(self.cleaned_data.get("display_name", ""), None, field="display_name")


class AccountForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("display_name", "email", "website", "timezone", "language")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from parley.language.reader import choices

        self.fields["language"].widget = forms.Select(
            choices=[("", str(_("As my browser asks"))), *choices()]
        )

    def clean_display_name(self) -> str:
        value = self.cleaned_data.get("display_name", "")
        return _checked_name(value, self.instance, field="display_name")

    def clean_language(self) -> str:
        from parley.language.reader import offered

        value = self.cleaned_data.get("language", "")
        if value and value not in offered():
            raise forms.ValidationError(_("Pick one of the languages in the list."))
        return value


class LimitedLoginMixin:
    """Counts every attempt to log in before the password is checked: per client address
    (`rates_setting`) and per account name (PARLEY_LOGIN_NAME_RATE, shared by both log-in
    pages, against a guesser spread over many addresses). A refused attempt is not checked
    at all, so a right password is refused too until the window ends."""

    scope = "login"
    rates_setting = "PARLEY_LOGIN_RATE"
    # Seconds until the attempt may be made again, when this one was refused.
    retry_after: int | None = None

    request: HttpRequest | None
    cleaned_data: dict[str, Any]

    def clean(self):
        try:
            ratelimit.enforce(
                self.scope,
                client_key(self.request) if self.request is not None else "",
                getattr(settings, self.rates_setting),
                what=gettext("attempts to log in from your address"),
            )
            if name := self.cleaned_data.get("username"):
                ratelimit.enforce(
                    "login-name",
                    ratelimit.name_key(name),
                    settings.PARLEY_LOGIN_NAME_RATE,
                    what=gettext("attempts to log in to this account"),
                )
        except TooManyRequests as error:
            self.retry_after = error.retry_after
            raise forms.ValidationError(error.message, code="rate_limited") from None
        return super().clean()  # type: ignore[misc]


class LoginForm(LimitedLoginMixin, AuthenticationForm):
    pass


class AdminLoginForm(LimitedLoginMixin, AdminAuthenticationForm):
    scope = "admin-login"
    rates_setting = "PARLEY_ADMIN_LOGIN_RATE"
