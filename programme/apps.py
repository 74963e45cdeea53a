from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The programme's sub-topics (卫政办发〔2023〕61号): each has its models module, views module
# (with its ``urlpatterns``), API module (registering on ``programme.api.urls.router``) and
# setup module (``register()``: scope rules, reminders, event subscriptions).
TOPICS = ("departments", "tasks", "targets", "ccer", "finance", "training")


class ProgrammeConfig(AppConfig):
    name = "programme"
    verbose_name = _("Reform programme")

    def ready(self):
        for topic in TOPICS:
            import_module(f"programme.setup.{topic}").register()
