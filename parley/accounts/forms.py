from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from parley.accounts.models import User


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        label=_("E-mail"), required=False, help_text=_("Optional. Never shown to other readers.")
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name", "email")


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

    def clean_language(self) -> str:
        from parley.language.reader import offered

        value = self.cleaned_data.get("language", "")
        if value and value not in offered():
            raise forms.ValidationError(_("Pick one of the languages in the list."))
        return value
