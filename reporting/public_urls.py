"""Public disclosure pages, no login (mounted at public/disclosure/, namespace ``disclosure``)."""

from django.urls import path

from reporting.views import disclosure

app_name = "disclosure"

urlpatterns = [
    path("", disclosure.index, name="index"),
    path("export/", disclosure.export, name="export"),
]
