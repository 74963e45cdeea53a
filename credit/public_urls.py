"""Public pages, no login: published final credit grades."""

from django.urls import path

from credit.views import public

app_name = "credit_public"

urlpatterns = [
    path("", public.public_index, name="index"),
    path("<int:year>/", public.public_year, name="year"),
]
