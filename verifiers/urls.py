app_name = "verifiers"

urlpatterns = []

# --- agencies, qualifications, staff (verifiers/views.py) ---
from django.urls import path  # noqa: E402

from verifiers import views  # noqa: E402

urlpatterns += [
    path("", views.agency_list, name="agency_list"),
    path("export/", views.agency_export, name="agency_export"),
    path("new/", views.agency_create, name="agency_create"),
    path("<int:pk>/", views.agency_detail, name="agency_detail"),
    path("<int:pk>/edit/", views.agency_edit, name="agency_edit"),
    path("<int:pk>/contact/", views.agency_contact_edit, name="agency_contact_edit"),
    path(
        "<int:pk>/qualifications/new/", views.qualification_create, name="qualification_create"
    ),
    path("qualifications/<int:pk>/edit/", views.qualification_edit, name="qualification_edit"),
    path("<int:pk>/staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:pk>/edit/", views.staff_edit, name="staff_edit"),
]
