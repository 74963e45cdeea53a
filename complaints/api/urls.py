from rest_framework.routers import SimpleRouter

from complaints.api import views

router = SimpleRouter()
router.register("complaints", views.ComplaintViewSet, basename="complaint")

urlpatterns = router.urls
