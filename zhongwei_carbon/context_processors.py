"""Role-aware navigation: each item shows only to users who may use it."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from zhongwei_carbon import roles
from zhongwei_carbon.notifications import unread_count
from zhongwei_carbon.roles import Perm

# (label, url name, action that must be allowed, or None for any logged-in user)
NAV_ITEMS = [
    (_("Enterprises"), "registry:enterprise_list", Perm.VIEW_ENTERPRISE),
    (_("Key-emitter lists"), "registry:list_index", Perm.VIEW_KEY_EMITTER_LIST),
    (_("Import"), "registry:import", Perm.IMPORT_ENTERPRISES),
    (_("Monthly ledgers"), "reporting:ledger_index", Perm.VIEW_LEDGER),
    (_("Annual reports"), "reporting:report_list", Perm.VIEW_REPORT),
    (_("Verification"), "reporting:verification_queue", Perm.VIEW_VERIFICATION_QUEUE),
    (_("Factors"), "reporting:factor_index", Perm.MANAGE_FACTORS),
    (_("Holiday calendar"), "reporting:calendar_index", Perm.MANAGE_CALENDAR),
    (_("Agencies"), "verifiers:agency_list", Perm.VIEW_AGENCY),
    (_("Users"), "accounts:user_list", Perm.MANAGE_USERS),
    (_("Account applications"), "registry:registration_list", Perm.DECIDE_REGISTRATION),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for label, url_name, action in NAV_ITEMS:
        if action is None or roles.has_perm(user, action):
            try:
                url = reverse(url_name)
            except NoReverseMatch:  # an app that does not serve this page yet
                continue
            items.append({"label": label, "url": url, "active": request.path.startswith(url)})
    return {
        "nav_items": items,
        "user_memberships": roles.memberships(user),
        "unread_notifications": unread_count(user),
    }
