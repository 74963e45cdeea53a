app_name = "verifiers"

urlpatterns = []

# --- agencies, qualifications, staff (verifiers/views.py) ---
