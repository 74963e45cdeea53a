"""Public pages, no login: the complaint and report channel (投诉举报, Art. 18)."""

from django.urls import path

from complaints.views import public

app_name = "complaints_public"

urlpatterns = [
    path("new/", public.complaint_new, name="complaint_new"),
    path("new/done/", public.complaint_done, name="complaint_done"),
    path("track/", public.complaint_track, name="complaint_track"),
    path("targets/", public.target_lookup, name="target_lookup"),
]
