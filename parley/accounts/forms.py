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
        fields = ("display_name", "email", "website", "timezone")
