"""Public pages, no login (published lists, account application)."""

from django.urls import path

from registry.views import public

app_name = "public"

urlpatterns = [
    path("", public.home, name="home"),
]

# --- published lists (registry/views/public.py) ---
urlpatterns += [
    path("lists/<int:year>/", public.list_detail, name="list_detail"),
    path("lists/<int:year>/export/", public.list_export, name="list_export"),
]
# --- account application (registry/views/registration.py) ---
from registry.views import registration  # noqa: E402

urlpatterns += [
    path("apply/", registration.register, name="register"),
    path("apply/done/", registration.register_done, name="register_done"),
]
