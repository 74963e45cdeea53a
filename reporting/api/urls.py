from rest_framework.routers import SimpleRouter

from reporting.api import agency_views, ledger_views, views

router = SimpleRouter()
router.register("fuel-types", views.FuelTypeViewSet, basename="fuel-type")
router.register("emission-factors", views.EmissionFactorViewSet, basename="emission-factor")
router.register(
    "factor-applicability", views.FactorApplicabilityViewSet, basename="factor-applicability"
)
router.register("reporting-years", views.ReportingYearViewSet, basename="reporting-year")
# annual reports (with verification actions) and monthly ledgers
router.register("reports", agency_views.ReportAgencyViewSet, basename="report")
router.register("ledgers", ledger_views.LedgerViewSet, basename="ledger")

urlpatterns = router.urls
