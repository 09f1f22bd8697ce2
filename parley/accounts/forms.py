from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from parley.accounts.models import User
from parley.accounts.names import check_name
from parley.lib.errors import Invalid


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
