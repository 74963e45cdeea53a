"""Registry pages. Each block belongs to one views module."""


app_name = "registry"

urlpatterns = []

# --- enterprises, facilities, emission records (registry/views/enterprises.py) ---
from django.urls import path  # noqa: E402

from registry.views import enterprises  # noqa: E402

urlpatterns += [
    path("enterprises/", enterprises.enterprise_list, name="enterprise_list"),
    path("enterprises/export/", enterprises.enterprise_export, name="enterprise_export"),
    path("enterprises/new/", enterprises.enterprise_create, name="enterprise_create"),
    path("enterprises/<int:pk>/", enterprises.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", enterprises.enterprise_edit, name="enterprise_edit"),
    path(
        "enterprises/<int:pk>/facilities/new/",
        enterprises.facility_create,
        name="facility_create",
    ),
    path("facilities/<int:pk>/edit/", enterprises.facility_edit, name="facility_edit"),
    path("enterprises/<int:pk>/records/new/", enterprises.record_create, name="record_create"),
    path("records/<int:pk>/edit/", enterprises.record_edit, name="record_edit"),
]

# --- key-emitter lists (registry/views/lists.py) ---
from django.urls import path  # noqa: E402

from registry.views import lists  # noqa: E402

urlpatterns += [
    path("lists/", lists.list_index, name="list_index"),
    path("lists/draft/", lists.list_draft, name="list_draft"),
    path("lists/<int:year>/", lists.list_detail, name="list_detail"),
    path("lists/<int:year>/export/", lists.list_export, name="list_export"),
    path("lists/<int:year>/publish/", lists.list_publish, name="list_publish"),
]
# --- Excel import (registry/views/imports.py) ---
from django.urls import path  # noqa: E402

from registry.views import imports  # noqa: E402

urlpatterns += [
    path("import/", imports.import_upload, name="import"),
    path("import/template/", imports.import_template, name="import_template"),
    path("import/confirm/", imports.import_confirm, name="import_confirm"),
]
# --- account applications, bureau side (registry/views/registration.py) ---
from django.urls import path  # noqa: E402

from registry.views import registration  # noqa: E402

urlpatterns += [
    path("applications/", registration.registration_list, name="registration_list"),
    path(
        "applications/<int:pk>/", registration.registration_detail, name="registration_detail"
    ),
]
