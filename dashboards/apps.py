from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Each role's home page (DESIGN.md §3): the top of the dependency order; it reads the
    other apps' selectors and nothing imports it."""

    name = "dashboards"
    verbose_name = _("Dashboards")
