from rest_framework.routers import SimpleRouter

router = SimpleRouter()

# --- credit: grades and objections (credit/api/views.py) ---
from credit.api import views  # noqa: E402

router.register("credit-grades", views.SubjectGradeViewSet, basename="credit-grade")
router.register("credit-objections", views.CreditObjectionViewSet, basename="credit-objection")
# --- end credit: grades and objections ---

urlpatterns = router.urls
