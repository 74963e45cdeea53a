"""Pages of the programme's ccer topic: the CCER project library (``ccer_pages``), its Excel
import (``ccer_io``) and its public list (``ccer_public``)."""

from django.urls import path

from programme.views import ccer_io, ccer_pages, ccer_public

urlpatterns: list = [
    path("ccer/", ccer_pages.ccer_list, name="ccer_list"),
    path("ccer/export/", ccer_pages.ccer_export, name="ccer_export"),
    path("ccer/new/", ccer_pages.ccer_create, name="ccer_create"),
    path("ccer/owners/", ccer_pages.ccer_owner_lookup, name="ccer_owner_lookup"),
    path("ccer/import/", ccer_io.ccer_import, name="ccer_import"),
    path("ccer/import/template/", ccer_io.ccer_import_template, name="ccer_import_template"),
    path("ccer/<int:pk>/", ccer_pages.ccer_detail, name="ccer_detail"),
    path("ccer/<int:pk>/edit/", ccer_pages.ccer_edit, name="ccer_edit"),
    path("ccer/<int:pk>/stage/", ccer_pages.ccer_stage, name="ccer_stage"),
    path("ccer/<int:pk>/reductions/", ccer_pages.ccer_reduction, name="ccer_reduction"),
]

public_urlpatterns: list = [
    path("ccer/", ccer_public.ccer_public_list, name="ccer_list"),
]
