"""Role-aware navigation: each item shows only to users who may use it, grouped into menus
so that the bar fits a 1366-px office screen even for a bureau administrator."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from zhongwei_carbon import notifications, roles
from zhongwei_carbon.roles import Perm

# (menu label, [(label, url name, action that must be allowed)])
NAV_GROUPS = [
    (
        _("Registry"),
        [
            (_("Enterprises"), "registry:enterprise_list", Perm.VIEW_ENTERPRISE),
            (_("Key-emitter lists"), "registry:list_index", Perm.VIEW_KEY_EMITTER_LIST),
            (_("Import"), "registry:import", Perm.IMPORT_ENTERPRISES),
        ],
    ),
    (
        _("Reporting"),
        [
            (_("Monthly ledgers"), "reporting:ledger_index", Perm.VIEW_LEDGER),
            (_("Annual reports"), "reporting:report_list", Perm.VIEW_REPORT),
            (_("Verification"), "reporting:verification_queue", Perm.VIEW_VERIFICATION_QUEUE),
        ],
    ),
    (
        _("Allowances"),
        [
            (_("Compliance cycles"), "allowances:cycle_list", Perm.VIEW_CYCLE),
            (_("Allocation"), "allowances:allocation_list", Perm.VIEW_ALLOCATION),
            (_("Allowance accounts"), "allowances:account_list", Perm.VIEW_ACCOUNT),
            (_("Surrenders"), "allowances:surrender_list", Perm.VIEW_ACCOUNT),
            (_("Compliance"), "allowances:compliance", Perm.VIEW_COMPLIANCE),
            (_("Penalties"), "allowances:penalty_list", Perm.VIEW_COMPLIANCE),
            (_("Allocation parameters"), "allowances:parameter_index", Perm.VIEW_ALLOCATION),
            (_("Registry statements"), "allowances:statement_list", Perm.VIEW_STATEMENT),
        ],
    ),
    (
        _("Oversight"),
        [
            (_("Inspection plans"), "oversight:plan_list", Perm.VIEW_INSPECTION_PLAN),
            (_("Inspections"), "oversight:inspection_list", Perm.VIEW_INSPECTION),
            (_("Violation cases"), "oversight:violation_list", Perm.VIEW_VIOLATION),
            (_("Inspector directory"), "oversight:inspector_list", Perm.MANAGE_INSPECTION_PLAN),
            (_("Inspection checklist"), "oversight:checklist", Perm.MANAGE_INSPECTION_PLAN),
            (_("Agency performance"), "oversight:performance", Perm.VIEW_AGENCY_PERFORMANCE),
            (_("Complaints and reports"), "complaints:complaint_list", Perm.VIEW_COMPLAINT),
        ],
    ),
    (
        _("Credit"),
        [
            # --- credit: grading, objections, repair ---
            (_("Credit evaluation"), "credit:year_list", Perm.VIEW_CREDIT_WORK),
            (_("Credit grades"), "credit:grade_index", Perm.VIEW_CREDIT_GRADE),
            (_("Credit objections"), "credit:objection_list", Perm.VIEW_CREDIT_WORK),
            (_("Credit repairs"), "credit:repair_list", Perm.VIEW_CREDIT_WORK),
            (_("My credit"), "credit:my_credit", Perm.OBJECT_TO_CREDIT),
            # --- end credit: grading, objections, repair ---
            (_("Credit events"), "credit:event_list", Perm.VIEW_CREDIT_EVENT),
            # --- credit: rule sets and score cards ---
            (_("Credit scores"), "credit:score_list", Perm.VIEW_CREDIT_SCORES),
            (_("Credit rule sets"), "credit:rule_set_list", Perm.VIEW_CREDIT_RULES),
            # --- end credit: rule sets and score cards ---
            # a liaison sees it only while his department holds the grant (fourth item)
            (_("Credit grades for the partner departments"), "credit:partners_export",
             Perm.EXPORT_CREDIT_PARTNERS, "credit_export"),
        ],
    ),
    (
        _("Reform programme"),
        [
            # --- programme: tasks ---
            (_("Programme tasks"), "programme:task_list", Perm.VIEW_PROGRAMME_TASK),
            (_("My programme tasks"), "programme:task_mine", Perm.FILE_PROGRESS_REPORT),
            (_("Progress reports"), "programme:report_list", Perm.VIEW_PROGRESS_REPORT),
            (_("Quarterly summary"), "programme:task_summary", Perm.VIEW_PROGRAMME_TASK),
            # --- end programme: tasks ---
            # --- programme: targets ---
            (_("2025 targets"), "programme:target_index", Perm.VIEW_TARGETS),
            (_("Sector coverage"), "programme:coverage", Perm.VIEW_COVERAGE),
            # --- end programme: targets ---
            # --- programme: ccer ---
            (_("CCER project library"), "programme:ccer_list", Perm.VIEW_CCER_LIBRARY),
            # --- end programme: ccer ---
            # --- programme: finance ---
            (_("Climate-finance projects"), "programme:climate_project_list",
             Perm.VIEW_CLIMATE_PROJECT),
            (_("Allowance pledges"), "allowances:pledge_list", Perm.VIEW_PLEDGE),
            # --- end programme: finance ---
            # --- programme: training ---
            (_("Training"), "programme:training_list", Perm.VIEW_TRAINING),
            # --- end programme: training ---
            # --- programme: departments and grants ---
            (_("Departments"), "programme:department_list", Perm.VIEW_DEPARTMENT),
            # --- end programme: departments and grants ---
        ],
    ),
    (
        _("Administration"),
        [
            (_("Agencies"), "verifiers:agency_list", Perm.VIEW_AGENCY),
            (_("Users"), "accounts:user_list", Perm.MANAGE_USERS),
            (_("Login lockouts"), "accounts:lockout_list", Perm.MANAGE_USERS),
            (_("Account applications"), "registry:registration_list", Perm.DECIDE_REGISTRATION),
            (_("Factors"), "reporting:factor_index", Perm.MANAGE_FACTORS),
            (_("Holiday calendar"), "reporting:calendar_index", Perm.MANAGE_CALENDAR),
            (_("Audit trail check"), "audit_trail", Perm.VERIFY_AUDIT_TRAIL),
            (_("Failed e-mails"), "mail_failures", Perm.VIEW_MAIL_FAILURES),
        ],
    ),
]


# Checks ``(user, dataset) -> bool`` of an entry's fourth item, a dataset the bureau grants
# departments: registry registers ``registry.selectors.grants.granted`` (core never imports it).
GRANT_CHECKS: list = []


def register_grant_check(check) -> None:
    if check not in GRANT_CHECKS:
        GRANT_CHECKS.append(check)


def _visible(user, request, entries):
    items = []
    for label, url_name, action, *dataset in entries:
        if not roles.has_perm(user, action):
            continue
        if dataset and not all(check(user, dataset[0]) for check in GRANT_CHECKS):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:  # an app that does not serve this page yet
            continue
        items.append({"label": label, "url": url, "active": request.path.startswith(url)})
    return items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_groups": []}
    groups = []
    for label, entries in NAV_GROUPS:
        items = _visible(user, request, entries)
        if items:
            groups.append(
                {"label": label, "items": items, "active": any(i["active"] for i in items)}
            )
    return {
        "nav_groups": groups,
        "user_memberships": roles.memberships(user),
        **{f"{k}_notifications": n for k, n in notifications.counts(user).items()},
    }
