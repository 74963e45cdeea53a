from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from accounts import models as m
        from zhongwei_carbon import scoping

        # Users and memberships are managed city-wide by the bureau only.
        scoping.register(m.User)
        scoping.register(m.Membership)
