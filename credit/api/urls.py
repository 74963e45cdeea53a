from rest_framework.routers import SimpleRouter

router = SimpleRouter()

# --- credit: grades and objections (credit/api/views.py) ---
from credit.api import views  # noqa: E402

router.register("credit-grades", views.SubjectGradeViewSet, basename="credit-grade")
router.register("credit-objections", views.CreditObjectionViewSet, basename="credit-objection")
# --- end credit: grades and objections ---
# --- credit events ---
from credit.api.events import CreditEventViewSet  # noqa: E402

router.register("credit-events", CreditEventViewSet, basename="credit-event")
# --- end credit events ---
# --- credit: rule sets (credit/api/rulesets.py) ---
from credit.api.rulesets import RuleSetViewSet  # noqa: E402

router.register("credit/rule-sets", RuleSetViewSet, basename="credit-rule-set")
# --- end credit: rule sets ---

urlpatterns = router.urls
