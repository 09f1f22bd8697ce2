from django.contrib import admin
from django.urls import include, path

from parley.api.urls import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("parley.accounts.urls")),
    path("", include("parley.moderation.urls")),
    path("", include("parley.web.urls")),
]

handler400 = "parley.web.errors.bad_request"
