"""Registry pages. Each block belongs to one views module."""


app_name = "registry"

urlpatterns = []

# --- enterprises, facilities, emission records (registry/views/enterprises.py) ---
# --- key-emitter lists (registry/views/lists.py) ---
# --- Excel import (registry/views/imports.py) ---
# --- account applications, bureau side (registry/views/registration.py) ---
