from rest_framework.routers import SimpleRouter

from allowances.api import views

router = SimpleRouter()
router.register("allowance-accounts", views.AllowanceAccountViewSet, basename="allowance-account")
router.register("surrenders", views.SurrenderViewSet, basename="surrender")
router.register("compliance", views.ComplianceViewSet, basename="compliance")
router.register("allocations", views.AllocationViewSet, basename="allocation")

urlpatterns = router.urls
