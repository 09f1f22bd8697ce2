from django.contrib import admin
from django.urls import include, path

from parley.accounts.forms import AdminLoginForm
from parley.accounts.views import admin_login
from parley.api.urls import api

admin.site.login_form = AdminLoginForm  # counts attempts (PARLEY_ADMIN_LOGIN_RATE)

urlpatterns = [
    path("admin/login/", admin_login),  # the admin's own log-in page, rate-limited
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("parley.embed.scripts")),  # /embed.js and /count.js
    path("", include("parley.accounts.urls")),
    path("", include("parley.embed.urls")),
    path("", include("parley.moderation.urls")),
    path("", include("parley.realtime.urls")),
    path("", include("parley.web.urls")),
]

handler400 = "parley.web.errors.bad_request"
