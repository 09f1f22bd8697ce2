from django.urls import path

from parley.embed import views

urlpatterns = [
    path("embed/sign-in/", views.sign_in, name="embed-sign-in"),
]
