"""Public pages, no login: published inspection plans, draws and results (公开)."""

from django.urls import path

from oversight.views import public

app_name = "inspections_public"

urlpatterns = [
    path("", public.plan_list, name="plan_list"),
    path("<int:pk>/", public.plan_detail, name="plan_detail"),
    path("<int:pk>/export/", public.plan_export, name="plan_export"),
]
