from django.urls import path

from credit.views import partners

app_name = "credit"

urlpatterns = [
    # --- credit: use of grades ---
    path("partners/export/", partners.partners_export, name="partners_export"),
    # --- end credit: use of grades ---
]

# --- credit events (credit/views/events.py) ---
from credit.views import events as event_views  # noqa: E402

urlpatterns += [
    path("events/", event_views.event_list, name="event_list"),
    path("events/export/", event_views.event_export, name="event_export"),
    path("events/new/", event_views.event_new, name="event_new"),
    path("events/<int:pk>/", event_views.event_detail, name="event_detail"),
    path("events/<int:pk>/evidence/", event_views.event_evidence, name="event_evidence"),
    path("events/<int:pk>/confirm/", event_views.event_confirm, name="event_confirm"),
    path("events/<int:pk>/refuse/", event_views.event_refuse, name="event_refuse"),
]
# --- end credit events ---
