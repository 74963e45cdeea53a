"""API v1: one router per app (``<app>/api/urls.py``), and a root at ``/api/v1/`` that lists
every collection with its URL (the README points newcomers there)."""

from collections import OrderedDict
from importlib import import_module

from django.urls import NoReverseMatch, include, path
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

app_name = "api"

API_APPS = ("accounts", "registry", "verifiers", "reporting", "allowances", "oversight",
            "complaints", "credit", "programme")


def collections() -> list[tuple[str, str]]:
    """(prefix, URL name) of every top-level collection the apps' routers register, in app
    order (nested ones, such as a list's entries, need their parent's key and are left out)."""
    found = []
    for app in API_APPS:
        router = getattr(import_module(f"{app}.api.urls"), "router", None)
        for prefix, _viewset, basename in getattr(router, "registry", []):
            if "(?P<" not in prefix:
                found.append((prefix, f"{app_name}:{basename}-list"))
    return found


class APIRootView(APIView):
    """The API's entry point: every collection of v1 and its URL (authenticated users; each
    collection is scoped to the user like the pages)."""

    schema = None  # not an operation of its own in the OpenAPI document

    def get(self, request, *args, **kwargs):
        listing = OrderedDict()
        for prefix, name in collections():
            try:
                listing[prefix] = reverse(name, request=request)
            except NoReverseMatch:  # a viewset without a list route
                continue
        listing["schema"] = reverse("api-schema", request=request)
        listing["docs"] = reverse("api-docs", request=request)
        return Response(listing)


urlpatterns = [
    path("", APIRootView.as_view(), name="root"),
    *(path("", include(f"{app}.api.urls")) for app in API_APPS),
]
