from rest_framework.routers import SimpleRouter

from oversight.api import views

router = SimpleRouter()
router.register("inspection-plans", views.InspectionPlanViewSet, basename="inspection-plan")
router.register("inspections", views.InspectionViewSet, basename="inspection")
router.register("violation-cases", views.ViolationCaseViewSet, basename="violation-case")

urlpatterns = router.urls

# agency performance (oversight/api/performance.py)
from oversight.api.performance import AgencyPerformanceViewSet  # noqa: E402

router.register("agency-performance", AgencyPerformanceViewSet, basename="agency-performance")
urlpatterns = router.urls
