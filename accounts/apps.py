from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from axes.models import AccessAttempt
        from django.contrib.auth.signals import user_logged_in

        from accounts import lockouts
        from accounts import models as m
        from zhongwei_carbon import scoping

        # Users and memberships are managed city-wide by the bureau only; so are the failed
        # log-ins (django-axes) behind the lockout list.
        scoping.register(m.User)
        scoping.register(m.Membership)
        scoping.register(AccessAttempt)
        user_logged_in.connect(lockouts.clear_after_login, dispatch_uid="accounts.lockouts")
