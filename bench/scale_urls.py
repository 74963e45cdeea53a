"""URL conf of the scale bench: the portal's own, plus the bare DRF list views that
``bench/scale.py`` puts in front (``scale_targets.bare_patterns``) before it measures."""

from zhongwei_carbon.urls import handler400, handler403, handler404  # noqa: F401
from zhongwei_carbon.urls import urlpatterns as portal

urlpatterns = list(portal)
