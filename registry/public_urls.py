"""Public pages, no login (published lists, account application)."""

from django.urls import path

from registry.views import public

app_name = "public"

urlpatterns = [
    path("", public.home, name="home"),
]

# --- published lists (registry/views/public.py) ---
# --- account application (registry/views/registration.py) ---
