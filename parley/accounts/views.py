from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parley.accounts.forms import AccountForm, LoginForm, SignupForm
from parley.lib import ratelimit
from parley.lib.clients import client_key
from parley.lib.errors import TooManyRequests
from parley.lib.redirects import next_address


def _refused(response: HttpResponse, retry_after: int | None) -> HttpResponse:
    """A form answer refused by a rate limit: 429, and when to try again."""
    if retry_after:
        response.status_code = 429
        response["Retry-After"] = str(retry_after)
    return response


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        return _refused(super().form_invalid(form), form.retry_after)


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's log-in page, with its own limit per address (PARLEY_ADMIN_LOGIN_RATE): its
    form is AdminLoginForm (config/urls.py sets it on the admin site)."""
    response = admin.site.login(request)
    form = (getattr(response, "context_data", None) or {}).get("form")
    return _refused(response, getattr(form, "retry_after", None))


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    retry_after = None
    if request.method == "POST" and form.is_valid():
        try:
            # Only sign-ups that would create an account count; a mistyped form does not.
            ratelimit.enforce(
                "signup",
                client_key(request),
                settings.PARLEY_SIGNUP_RATE,
                what=_("new accounts from your address"),
            )
        except TooManyRequests as error:
            form.add_error(None, error.message)
            retry_after = error.retry_after
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, _("Welcome, %(name)s. You are logged in.") % {"name": user.public_name}
        )
        return redirect(next_address(request, "home"))
    response = render(
        request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200
    )
    return _refused(response, retry_after)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account(request):
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your settings were saved."))
        return redirect("account")
    return render(
        request, "registration/account.html", {"form": form}, status=400 if form.errors else 200
    )
