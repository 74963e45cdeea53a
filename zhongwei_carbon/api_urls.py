"""API v1: one router, each app contributes its viewsets from ``<app>/api/urls.py``."""

from django.urls import include, path

app_name = "api"

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("registry.api.urls")),
    path("", include("verifiers.api.urls")),
    path("", include("reporting.api.urls")),
    path("", include("allowances.api.urls")),
]
