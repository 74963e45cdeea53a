from rest_framework.routers import SimpleRouter

from registry.api import views

router = SimpleRouter()
router.register("areas", views.AreaViewSet, basename="area")
router.register("sectors", views.SectorViewSet, basename="sector")
router.register("enterprises", views.EnterpriseViewSet, basename="enterprise")
router.register("facilities", views.FacilityViewSet, basename="facility")
router.register("emission-records", views.EmissionRecordViewSet, basename="emission-record")
router.register("key-emitter-lists", views.KeyEmitterListViewSet, basename="key-emitter-list")
router.register(
    r"key-emitter-lists/(?P<year>\d{4})/entries",
    views.KeyEmitterListEntryViewSet,
    basename="key-emitter-list-entry",
)

urlpatterns = router.urls
