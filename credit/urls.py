from django.urls import path

from credit.views import partners

app_name = "credit"

urlpatterns = [
    # --- credit: use of grades ---
    path("partners/export/", partners.partners_export, name="partners_export"),
    # --- end credit: use of grades ---
]
