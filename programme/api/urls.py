from rest_framework.routers import SimpleRouter

router = SimpleRouter()

# each topic's module registers its viewsets on ``router`` when imported
from programme.api import ccer, departments, finance, targets, tasks, training  # noqa: E402,F401

urlpatterns = router.urls
