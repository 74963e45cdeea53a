"""The programme's pages: each topic's views module holds its own ``urlpatterns``."""

from programme.views import ccer, departments, finance, targets, tasks, training

app_name = "programme"

urlpatterns = [
    *departments.urlpatterns,
    *tasks.urlpatterns,
    *targets.urlpatterns,
    *ccer.urlpatterns,
    *finance.urlpatterns,
    *training.urlpatterns,
]
