from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints and reports")

    def ready(self):
        from complaints import (
            checks,  # noqa: F401  (the deploy check of the key)
            reminders,
        )
        from complaints import models as m

        reminders.register()
        from zhongwei_carbon import scoping

        # The bureau every complaint; a county or park official those handled in his area;
        # the handler those assigned to him. Enterprises and agencies: nothing.
        scoping.register(m.Complaint, area="assigned_area", assignee="handler")
        scoping.register(m.Attachment, area="complaint__assigned_area",
                         assignee="complaint__handler")
        scoping.register(m.FilerIdentity)  # city-wide roles only, and only through the service
