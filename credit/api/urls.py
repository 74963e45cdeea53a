from rest_framework.routers import SimpleRouter

from credit.api import views

router = SimpleRouter()
router.register("credit/rule-sets", views.RuleSetViewSet, basename="credit-rule-set")

urlpatterns = router.urls
