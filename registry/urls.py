"""Registry pages. Each block belongs to one views module."""


app_name = "registry"

urlpatterns = []

# --- enterprises, facilities, emission records (registry/views/enterprises.py) ---
# --- key-emitter lists (registry/views/lists.py) ---
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
