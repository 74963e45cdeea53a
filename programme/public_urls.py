"""The programme's public pages (no login): each topic's views module may hold
``public_urlpatterns``."""

from programme.views import ccer, departments, finance, targets, tasks, training

app_name = "programme_public"

urlpatterns = [
    *getattr(departments, "public_urlpatterns", []),
    *getattr(tasks, "public_urlpatterns", []),
    *getattr(targets, "public_urlpatterns", []),
    *getattr(ccer, "public_urlpatterns", []),
    *getattr(finance, "public_urlpatterns", []),
    *getattr(training, "public_urlpatterns", []),
]
