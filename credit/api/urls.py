from rest_framework.routers import SimpleRouter

router = SimpleRouter()

# --- credit events ---
from credit.api.events import CreditEventViewSet  # noqa: E402

router.register("credit-events", CreditEventViewSet, basename="credit-event")
# --- end credit events ---

urlpatterns = router.urls
