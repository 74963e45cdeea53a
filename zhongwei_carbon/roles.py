"""Roles and what each may do: the one table of permissions (DESIGN.md §3, §4.1).

What a role may *do* is decided here; which rows it may *see* is decided by
``zhongwei_carbon.scoping.for_user``. A role has a scope kind: the whole city, one area
(county, district or park), one enterprise, one agency, or one city department or bank.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BUREAU_ADMIN = "bureau_admin", _("Bureau administrator")
    BUREAU_REVIEWER = "bureau_reviewer", _("Bureau reviewer")
    AREA_OFFICIAL = "area_official", _("County / park official")
    ENTERPRISE_USER = "enterprise_user", _("Enterprise user")
    AGENCY_STAFF = "agency_staff", _("Agency staff")
    # a city department's or a bank's liaison for the reform programme (卫政办发〔2023〕61号):
    # sees its own unit's tasks and the data the bureau has granted its unit
    DEPARTMENT_LIAISON = "department_liaison", _("Department liaison")


class ScopeKind(models.TextChoices):
    CITY = "city", _("Whole city")
    AREA = "area", _("Area")
    ENTERPRISE = "enterprise", _("Enterprise")
    AGENCY = "agency", _("Agency")
    DEPARTMENT = "department", _("Department")


ROLE_SCOPE: dict[str, str] = {
    Role.BUREAU_ADMIN: ScopeKind.CITY,
    Role.BUREAU_REVIEWER: ScopeKind.CITY,
    Role.AREA_OFFICIAL: ScopeKind.AREA,
    Role.ENTERPRISE_USER: ScopeKind.ENTERPRISE,
    Role.AGENCY_STAFF: ScopeKind.AGENCY,
    Role.DEPARTMENT_LIAISON: ScopeKind.DEPARTMENT,
}

BUREAU = frozenset({Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER})
ALL_ROLES = frozenset(Role.values)


class Perm:
    """Action names. One constant per thing a user can do; used by views, API and tests."""

    # accounts
    MANAGE_USERS = "accounts.manage_users"
    DECIDE_REGISTRATION = "accounts.decide_registration"
    # registry
    VIEW_AREA = "registry.view_area"
    VIEW_ENTERPRISE = "registry.view_enterprise"
    CHANGE_ENTERPRISE = "registry.change_enterprise"
    IMPORT_ENTERPRISES = "registry.import_enterprises"
    VIEW_EMISSION_RECORD = "registry.view_emission_record"
    CHANGE_EMISSION_RECORD = "registry.change_emission_record"
    VIEW_KEY_EMITTER_LIST = "registry.view_key_emitter_list"
    DRAFT_KEY_EMITTER_LIST = "registry.draft_key_emitter_list"
    PUBLISH_KEY_EMITTER_LIST = "registry.publish_key_emitter_list"
    VIEW_EVENTS = "core.view_events"
    # verifiers
    VIEW_AGENCY = "verifiers.view_agency"
    MANAGE_AGENCY = "verifiers.manage_agency"
    EDIT_OWN_AGENCY_CONTACT = "verifiers.edit_own_agency_contact"
    # core
    MANAGE_CALENDAR = "core.manage_calendar"
    VIEW_CALENDAR = "core.view_calendar"
    VERIFY_AUDIT_TRAIL = "core.verify_audit_trail"  # run the hash-chain check of the audit tables
    VIEW_MAIL_FAILURES = "core.view_mail_failures"  # the dead letters of notification e-mails
    RETRY_MAIL = "core.retry_mail"  # queue a failed e-mail again
    # reporting: factor tables
    VIEW_FACTORS = "reporting.view_factors"
    MANAGE_FACTORS = "reporting.manage_factors"
    # reporting: monthly ledgers
    VIEW_LEDGER = "reporting.view_ledger"
    EDIT_LEDGER = "reporting.edit_ledger"  # the enterprise fills in and uploads
    COUNTY_CHECK_LEDGER = "reporting.county_check_ledger"
    CLOSE_LEDGER = "reporting.close_ledger"
    # reporting: annual reports
    VIEW_REPORT = "reporting.view_report"
    EDIT_REPORT = "reporting.edit_report"  # enterprise users; submitting needs the signatory flag
    COUNTY_CHECK_REPORT = "reporting.county_check_report"
    ASSIGN_VERIFICATION = "reporting.assign_verification"
    VERIFY_REPORT = "reporting.verify_report"  # agency staff on reports assigned to their agency
    DECLARE_PREPARATION = "reporting.declare_preparation"
    ANSWER_FINDING = "reporting.answer_finding"
    RECHECK_REPORT = "reporting.recheck_report"
    OBJECT_TO_RESULT = "reporting.object_to_result"
    DECIDE_OBJECTION = "reporting.decide_objection"
    # allowances
    VIEW_CYCLE = "allowances.view_cycle"
    MANAGE_CYCLE = "allowances.manage_cycle"
    VIEW_ACCOUNT = "allowances.view_account"
    MANAGE_ALLOCATION = "allowances.manage_allocation"  # import, notify, issue, decide objections
    VIEW_ALLOCATION = "allowances.view_allocation"
    OBJECT_TO_ALLOCATION = "allowances.object_to_allocation"
    VIEW_STATEMENT = "allowances.view_statement"  # registry statements and reconciliation
    POST_LEDGER = "allowances.post_ledger"  # statements, transfers, corrections (bureau)
    REQUEST_SURRENDER = "allowances.request_surrender"
    APPROVE_SURRENDER = "allowances.approve_surrender"
    CONFIRM_SURRENDER = "allowances.confirm_surrender"
    VIEW_COMPLIANCE = "allowances.view_compliance"
    MANAGE_PENALTY = "allowances.manage_penalty"
    VIEW_VERIFICATION_QUEUE = "reporting.view_verification_queue"  # bureau; agency: its own
    # oversight: agency performance (the league table; an agency sees only its own figures)
    VIEW_AGENCY_PERFORMANCE = "oversight.view_agency_performance"
    # oversight: double-random inspections (双随机、一公开)
    VIEW_INSPECTION_PLAN = "oversight.view_inspection_plan"
    MANAGE_INSPECTION_PLAN = "oversight.manage_inspection_plan"  # plan, draw, publish, inspectors
    VIEW_INSPECTION = "oversight.view_inspection"
    OPEN_INSPECTION = "oversight.open_inspection"  # an inspection outside a plan
    CONDUCT_INSPECTION = "oversight.conduct_inspection"  # only inspections the user is drawn for
    ANSWER_RECTIFICATION = "oversight.answer_rectification"
    # violation cases (Interim Regulations Art. 21–23): the parties see their decided cases
    VIEW_VIOLATION = "oversight.view_violation"
    MANAGE_VIOLATION = "oversight.manage_violation"  # open, decide, refer, close
    # public complaints and reports (Interim Regulations Art. 18): the filer's identity is the
    # bureau admin's alone, and every look at it is logged
    VIEW_COMPLAINT = "complaints.view_complaint"
    MANAGE_COMPLAINT = "complaints.manage_complaint"  # triage, assign, approve the reply
    HANDLE_COMPLAINT = "complaints.handle_complaint"  # only complaints assigned to the user
    VIEW_COMPLAINT_IDENTITY = "complaints.view_identity"
    # --- credit: grading, objections, repair ---
    VIEW_CREDIT_GRADE = "credit.view_grade"  # the bureau all, an area its own, a subject its own
    VIEW_CREDIT_WORK = "credit.view_work"  # the bureau's years, objections and repairs lists
    MANAGE_CREDIT_YEAR = "credit.manage_year"  # open, freeze, publish a year
    OBJECT_TO_CREDIT = "credit.object_to_grade"  # a subject's user, on its own provisional card
    DECIDE_CREDIT_OBJECTION = "credit.decide_objection"
    APPLY_CREDIT_REPAIR = "credit.apply_repair"  # a subject's user, on its own events
    DECIDE_CREDIT_REPAIR = "credit.decide_repair"
    # --- end credit: grading, objections, repair ---
    # --- credit: use of grades ---
    # a subject's current grade on its page: the bureau, the enterprise itself and its county,
    # the agency itself (scoped through the enterprise or agency)
    VIEW_CREDIT_STANDING = "credit.view_standing"
    # the partner departments' workbook: the bureau admin, and the liaisons of a department
    # granted ``credit_export`` (development-reform, the PBOC branch)
    EXPORT_CREDIT_PARTNERS = "credit.export_partners"
    # --- end credit: use of grades ---
    # credit events (环境信用评价): the bureau every event, a county its area's enterprises',
    # an enterprise or an agency its own (in force or voided); the bureau admin enters manual
    # events and a second admin confirms them
    VIEW_CREDIT_EVENT = "credit.view_event"
    MANAGE_CREDIT_EVENT = "credit.manage_event"
    # --- credit: rule sets and score cards ---
    # credit evaluation: rule sets (the bureau reads, the admin drafts and publishes), the
    # year's live scores (bureau) and a subject's score card (each party its own)
    VIEW_CREDIT_RULES = "credit.view_rule_set"
    MANAGE_CREDIT_RULES = "credit.manage_rule_set"
    VIEW_CREDIT_SCORES = "credit.view_scores"
    VIEW_CREDIT_CARD = "credit.view_score_card"
    # --- end credit: rule sets and score cards ---
    # --- programme: departments and grants ---
    VIEW_DEPARTMENT = "programme.view_department"  # the bureau all; a liaison its own
    MANAGE_DEPARTMENT = "programme.manage_department"  # departments, members, data grants
    # --- end programme: departments and grants ---
    # --- programme: tasks ---
    # the task tracker: the bureau all tasks, an official or liaison those its unit is in
    VIEW_PROGRAMME_TASK = "programme.view_task"
    MANAGE_PROGRAMME_TASK = "programme.manage_task"  # tasks, units, sub-items, milestones
    VIEW_PROGRESS_REPORT = "programme.view_progress_report"
    # a unit's progress reports: an official for its area, a liaison for its department, the
    # bureau's staff for the bureau's own unit (tasks_rules.BUREAU_UNIT_CODE)
    FILE_PROGRESS_REPORT = "programme.file_progress_report"
    REVIEW_PROGRESS_REPORT = "programme.review_progress_report"  # the task group office
    # --- end programme: tasks ---
    # --- programme: targets ---
    VIEW_TARGETS = "programme.view_targets"  # the city's statistics and the 2025 targets
    # enter / revise the statistics: the bureau admin, a liaison whose unit holds the
    # statistics_entry grant (checked with registry.selectors.grants.granted on top)
    ENTER_STATISTICS = "programme.enter_statistics"
    VIEW_COVERAGE = "programme.view_coverage"  # sectors' national-market entry (task 3)
    MANAGE_COVERAGE = "programme.manage_coverage"  # set a sector's expected entry year
    # --- end programme: targets ---
    # --- programme: ccer ---
    # the CCER project library: the bureau all, an area official its area's projects, an
    # enterprise its own, a liaison the whole library once its unit holds the ccer_library grant
    VIEW_CCER_LIBRARY = "programme.view_ccer_library"
    PROPOSE_CCER_PROJECT = "programme.propose_ccer_project"  # enter an idea (official: own area)
    MANAGE_CCER_LIBRARY = "programme.manage_ccer_library"  # edit, stages, reductions, import
    # --- end programme: ccer ---
    # --- programme: finance ---
    VIEW_CLIMATE_PROJECT = "programme.view_climate_project"  # scoped; liaisons: shared ones
    PROPOSE_CLIMATE_PROJECT = "programme.propose_climate_project"  # enterprise, official
    REVIEW_CLIMATE_PROJECT = "programme.review_climate_project"  # the bureau's review, push
    REFORM_REVIEW_CLIMATE_PROJECT = "programme.reform_review_climate_project"  # dev.-reform
    RESPOND_CLIMATE_PROJECT = "programme.respond_climate_project"  # a bank's liaison
    VIEW_PLEDGE = "allowances.view_pledge"  # bureau, area, enterprise, pledgee bank
    MANAGE_PLEDGE = "allowances.manage_pledge"  # register and release: bureau admin
    # --- end programme: finance ---
    # --- programme: training ---
    # training records (task 9): the bureau all; a liaison of a department granted
    # ``training`` all, else his department's own sessions; a county its enterprises'
    # attendance; an enterprise its own staff's
    VIEW_TRAINING = "programme.view_training"
    MANAGE_TRAINING = "programme.manage_training"  # sessions, attendees, materials
    # --- end programme: training ---


# The table: action -> roles allowed to perform it (within their scope).
PERMISSIONS: dict[str, frozenset[str]] = {
    Perm.MANAGE_USERS: frozenset({Role.BUREAU_ADMIN}),
    Perm.DECIDE_REGISTRATION: frozenset({Role.BUREAU_ADMIN}),
    Perm.VIEW_AREA: ALL_ROLES,
    Perm.VIEW_ENTERPRISE: frozenset(
        {Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER, Role.AREA_OFFICIAL, Role.ENTERPRISE_USER}
    ),
    Perm.CHANGE_ENTERPRISE: frozenset({Role.BUREAU_ADMIN}),
    Perm.IMPORT_ENTERPRISES: frozenset({Role.BUREAU_ADMIN}),
    Perm.VIEW_EMISSION_RECORD: frozenset(
        {Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER, Role.AREA_OFFICIAL, Role.ENTERPRISE_USER}
    ),
    Perm.CHANGE_EMISSION_RECORD: frozenset({Role.BUREAU_ADMIN}),
    Perm.VIEW_KEY_EMITTER_LIST: frozenset(
        {Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER, Role.AREA_OFFICIAL, Role.ENTERPRISE_USER}
    ),
    Perm.DRAFT_KEY_EMITTER_LIST: frozenset({Role.BUREAU_ADMIN}),
    Perm.PUBLISH_KEY_EMITTER_LIST: frozenset({Role.BUREAU_ADMIN}),
    Perm.VIEW_EVENTS: frozenset(
        {Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER, Role.AREA_OFFICIAL, Role.ENTERPRISE_USER}
    ),
    Perm.VIEW_AGENCY: frozenset({Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER, Role.AGENCY_STAFF}),
    Perm.MANAGE_AGENCY: frozenset({Role.BUREAU_ADMIN}),
    Perm.EDIT_OWN_AGENCY_CONTACT: frozenset({Role.AGENCY_STAFF}),
    Perm.MANAGE_CALENDAR: frozenset({Role.BUREAU_ADMIN}),
    Perm.VIEW_CALENDAR: ALL_ROLES,
    Perm.VERIFY_AUDIT_TRAIL: frozenset({Role.BUREAU_ADMIN}),
    Perm.VIEW_MAIL_FAILURES: BUREAU,
    Perm.RETRY_MAIL: BUREAU,
    Perm.VIEW_FACTORS: ALL_ROLES,
    Perm.MANAGE_FACTORS: frozenset({Role.BUREAU_ADMIN}),
    Perm.VIEW_LEDGER: frozenset(
        {Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER, Role.AREA_OFFICIAL, Role.ENTERPRISE_USER}
    ),
    Perm.EDIT_LEDGER: frozenset({Role.ENTERPRISE_USER}),
    Perm.COUNTY_CHECK_LEDGER: frozenset({Role.AREA_OFFICIAL}),
    Perm.CLOSE_LEDGER: frozenset({Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER}),
    Perm.VIEW_REPORT: ALL_ROLES,
    Perm.EDIT_REPORT: frozenset({Role.ENTERPRISE_USER}),
    Perm.COUNTY_CHECK_REPORT: frozenset({Role.AREA_OFFICIAL}),
    Perm.ASSIGN_VERIFICATION: frozenset({Role.BUREAU_ADMIN}),
    Perm.VERIFY_REPORT: frozenset({Role.AGENCY_STAFF}),
    Perm.DECLARE_PREPARATION: frozenset({Role.AGENCY_STAFF}),
    Perm.ANSWER_FINDING: frozenset({Role.ENTERPRISE_USER}),
    Perm.RECHECK_REPORT: frozenset({Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER}),
    Perm.OBJECT_TO_RESULT: frozenset({Role.ENTERPRISE_USER}),
    Perm.DECIDE_OBJECTION: frozenset({Role.BUREAU_ADMIN}),
    Perm.VIEW_CYCLE: ALL_ROLES,
    Perm.MANAGE_CYCLE: frozenset({Role.BUREAU_ADMIN}),
    Perm.VIEW_ACCOUNT: frozenset(
        {Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER, Role.AREA_OFFICIAL, Role.ENTERPRISE_USER}
    ),
    Perm.MANAGE_ALLOCATION: frozenset({Role.BUREAU_ADMIN}),
    Perm.VIEW_ALLOCATION: frozenset(
        {Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER, Role.AREA_OFFICIAL, Role.ENTERPRISE_USER}
    ),
    Perm.OBJECT_TO_ALLOCATION: frozenset({Role.ENTERPRISE_USER}),
    Perm.VIEW_STATEMENT: frozenset({Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER}),
    Perm.POST_LEDGER: frozenset({Role.BUREAU_ADMIN}),
    Perm.REQUEST_SURRENDER: frozenset({Role.ENTERPRISE_USER}),
    Perm.APPROVE_SURRENDER: frozenset({Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER}),
    Perm.CONFIRM_SURRENDER: frozenset({Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER}),
    Perm.VIEW_COMPLIANCE: frozenset(
        {Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER, Role.AREA_OFFICIAL, Role.ENTERPRISE_USER}
    ),
    Perm.MANAGE_PENALTY: frozenset({Role.BUREAU_ADMIN}),
    Perm.VIEW_VERIFICATION_QUEUE: frozenset(
        {Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER, Role.AGENCY_STAFF}
    ),
    # County officials: no. Agencies work city-wide (the Agency model has no area path and
    # VIEW_AGENCY excludes them); an agency's figures add up reports of every county.
    Perm.VIEW_AGENCY_PERFORMANCE: frozenset(
        {Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER, Role.AGENCY_STAFF}
    ),
    Perm.VIEW_INSPECTION_PLAN: ALL_ROLES,
    Perm.MANAGE_INSPECTION_PLAN: frozenset({Role.BUREAU_ADMIN}),
    Perm.VIEW_INSPECTION: ALL_ROLES,
    Perm.OPEN_INSPECTION: frozenset({Role.BUREAU_ADMIN}),
    Perm.CONDUCT_INSPECTION: frozenset(
        {Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER, Role.AREA_OFFICIAL}
    ),
    Perm.ANSWER_RECTIFICATION: frozenset({Role.ENTERPRISE_USER, Role.AGENCY_STAFF}),
    Perm.VIEW_VIOLATION: ALL_ROLES,
    Perm.MANAGE_VIOLATION: frozenset({Role.BUREAU_ADMIN}),
    # the complained-about parties (enterprises, agencies) have no door into complaints
    Perm.VIEW_COMPLAINT: frozenset({Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER, Role.AREA_OFFICIAL}),
    Perm.MANAGE_COMPLAINT: frozenset({Role.BUREAU_ADMIN}),
    Perm.HANDLE_COMPLAINT: frozenset({Role.BUREAU_REVIEWER, Role.AREA_OFFICIAL}),
    Perm.VIEW_COMPLAINT_IDENTITY: frozenset({Role.BUREAU_ADMIN}),
    # --- credit: grading, objections, repair ---
    Perm.VIEW_CREDIT_GRADE: ALL_ROLES,
    Perm.VIEW_CREDIT_WORK: BUREAU,
    Perm.MANAGE_CREDIT_YEAR: frozenset({Role.BUREAU_ADMIN}),
    Perm.OBJECT_TO_CREDIT: frozenset({Role.ENTERPRISE_USER, Role.AGENCY_STAFF}),
    Perm.DECIDE_CREDIT_OBJECTION: frozenset({Role.BUREAU_ADMIN}),
    Perm.APPLY_CREDIT_REPAIR: frozenset({Role.ENTERPRISE_USER, Role.AGENCY_STAFF}),
    Perm.DECIDE_CREDIT_REPAIR: frozenset({Role.BUREAU_ADMIN}),
    # --- end credit: grading, objections, repair ---
    # --- credit: use of grades ---
    Perm.VIEW_CREDIT_STANDING: ALL_ROLES,
    # a department liaison only while his department holds the ``credit_export`` grant
    # (checked by the view and the service: ``registry.selectors.grants.granted``)
    Perm.EXPORT_CREDIT_PARTNERS: frozenset({Role.BUREAU_ADMIN, Role.DEPARTMENT_LIAISON}),
    # --- end credit: use of grades ---
    # --- credit events ---
    Perm.VIEW_CREDIT_EVENT: ALL_ROLES,
    Perm.MANAGE_CREDIT_EVENT: frozenset({Role.BUREAU_ADMIN}),
    # --- end credit events ---
    # --- credit: rule sets and score cards ---
    Perm.VIEW_CREDIT_RULES: BUREAU,
    Perm.MANAGE_CREDIT_RULES: frozenset({Role.BUREAU_ADMIN}),
    Perm.VIEW_CREDIT_SCORES: BUREAU,
    # scoped by the subject: a county its area's enterprises, a party its own card
    Perm.VIEW_CREDIT_CARD: ALL_ROLES,
    # --- end credit: rule sets and score cards ---
    # --- programme: departments and grants ---
    Perm.VIEW_DEPARTMENT: frozenset({*BUREAU, Role.DEPARTMENT_LIAISON}),
    Perm.MANAGE_DEPARTMENT: frozenset({Role.BUREAU_ADMIN}),
    # --- end programme: departments and grants ---
    # --- programme: tasks ---
    Perm.VIEW_PROGRAMME_TASK: frozenset({*BUREAU, Role.AREA_OFFICIAL, Role.DEPARTMENT_LIAISON}),
    Perm.MANAGE_PROGRAMME_TASK: frozenset({Role.BUREAU_ADMIN}),
    Perm.VIEW_PROGRESS_REPORT: frozenset({*BUREAU, Role.AREA_OFFICIAL, Role.DEPARTMENT_LIAISON}),
    Perm.FILE_PROGRESS_REPORT: frozenset({*BUREAU, Role.AREA_OFFICIAL, Role.DEPARTMENT_LIAISON}),
    Perm.REVIEW_PROGRESS_REPORT: BUREAU,
    # --- end programme: tasks ---
    # --- programme: targets ---
    Perm.VIEW_TARGETS: frozenset({*BUREAU, Role.AREA_OFFICIAL, Role.DEPARTMENT_LIAISON}),
    Perm.ENTER_STATISTICS: frozenset({Role.BUREAU_ADMIN, Role.DEPARTMENT_LIAISON}),
    Perm.VIEW_COVERAGE: frozenset(
        {*BUREAU, Role.AREA_OFFICIAL, Role.ENTERPRISE_USER, Role.DEPARTMENT_LIAISON}
    ),
    Perm.MANAGE_COVERAGE: frozenset({Role.BUREAU_ADMIN}),
    # --- end programme: targets ---
    # --- programme: ccer ---
    Perm.VIEW_CCER_LIBRARY: frozenset(
        {*BUREAU, Role.AREA_OFFICIAL, Role.ENTERPRISE_USER, Role.DEPARTMENT_LIAISON}
    ),
    Perm.PROPOSE_CCER_PROJECT: frozenset({Role.BUREAU_ADMIN, Role.AREA_OFFICIAL}),
    Perm.MANAGE_CCER_LIBRARY: frozenset({Role.BUREAU_ADMIN}),
    # --- end programme: ccer ---
    # --- programme: finance ---
    Perm.VIEW_CLIMATE_PROJECT: frozenset(
        {*BUREAU, Role.AREA_OFFICIAL, Role.ENTERPRISE_USER, Role.DEPARTMENT_LIAISON}
    ),
    Perm.PROPOSE_CLIMATE_PROJECT: frozenset({Role.AREA_OFFICIAL, Role.ENTERPRISE_USER}),
    Perm.REVIEW_CLIMATE_PROJECT: frozenset(BUREAU),
    Perm.REFORM_REVIEW_CLIMATE_PROJECT: frozenset({Role.DEPARTMENT_LIAISON}),
    Perm.RESPOND_CLIMATE_PROJECT: frozenset({Role.DEPARTMENT_LIAISON}),
    Perm.VIEW_PLEDGE: frozenset(
        {*BUREAU, Role.AREA_OFFICIAL, Role.ENTERPRISE_USER, Role.DEPARTMENT_LIAISON}
    ),
    Perm.MANAGE_PLEDGE: frozenset({Role.BUREAU_ADMIN}),
    # --- end programme: finance ---
    # --- programme: training ---
    Perm.VIEW_TRAINING: frozenset(
        {*BUREAU, Role.AREA_OFFICIAL, Role.ENTERPRISE_USER, Role.DEPARTMENT_LIAISON}
    ),
    Perm.MANAGE_TRAINING: frozenset({Role.BUREAU_ADMIN}),
    # --- end programme: training ---
}

# Actions whose scope is only the rows the user is assigned to (the model's ``assignee`` path
# in ``scoping``), whatever the role's scope kind: a bureau reviewer inspects what he is drawn
# for, not every inspection of the city.
ASSIGNED_ONLY: frozenset[str] = frozenset({Perm.CONDUCT_INSPECTION, Perm.HANDLE_COMPLAINT})


def roles_for(action: str) -> frozenset[str]:
    """Roles allowed to perform ``action``; an unknown action is a programming error."""
    try:
        return PERMISSIONS[action]
    except KeyError:
        raise KeyError(f"Unknown action {action!r}: add it to zhongwei_carbon.roles") from None


def memberships(user) -> list:
    """The user's active memberships, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_zw_memberships", None)
    if cached is None:
        # the scope objects come along: every page prints the memberships' scopes
        cached = list(
            user.memberships.filter(is_active=True).select_related(
                "area", "enterprise", "agency", "department"
            )
        )
        user._zw_memberships = cached
    return cached


def has_perm(user, action: str) -> bool:
    """May ``user`` perform ``action`` anywhere at all (its scope is checked separately)?

    Only memberships count: Django's superuser flag opens /admin/ and nothing else, so an
    administrator never sees the buttons of a role he does not hold (issue 9 §15)."""
    allowed = roles_for(action)
    return any(m.role in allowed for m in memberships(user))


def has_role(user, *roles: str) -> bool:
    return any(m.role in roles for m in memberships(user))


def is_bureau(user) -> bool:
    return has_role(user, *BUREAU)
