from rest_framework.routers import SimpleRouter

from reporting.api import views

router = SimpleRouter()
router.register("fuel-types", views.FuelTypeViewSet, basename="fuel-type")
router.register("emission-factors", views.EmissionFactorViewSet, basename="emission-factor")
router.register(
    "factor-applicability", views.FactorApplicabilityViewSet, basename="factor-applicability"
)
router.register("reporting-years", views.ReportingYearViewSet, basename="reporting-year")

urlpatterns = router.urls
