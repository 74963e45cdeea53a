"""Every URL of the URL conf × every persona (DESIGN.md §4.1).

URLs are found automatically: a new URL without a rule in ``RULES`` fails
``test_every_url_has_a_rule``. For each rule, GET as each persona must give the expected
outcome; and a POST by a persona that is not allowed must be refused the same way and
change nothing.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from registry.models import KeyEmitterList, KeyEmitterListEntry, RegistrationRequest
from tests import factories as f
from tests.conftest import PERSONAS, client_for
from zhongwei_carbon.models import MailFailure, Notification

OK, DENIED, NOT_FOUND, LOGIN = "ok", 403, 404, "login"

# URL names (namespace:name) that are not the portal's own pages.
EXEMPT_PREFIXES = ("admin:", "api-", "djdt", "set_language", "healthz", "favicon")


def rule(default, **overrides):
    table = {p: default for p in PERSONAS}
    table.update(overrides)
    return table


PUBLIC = rule(OK)
LOGGED_IN = rule(OK, anonymous=LOGIN)
ADMIN_ONLY = rule(DENIED, bureau_admin=OK, anonymous=LOGIN)
BUREAU = rule(DENIED, bureau_admin=OK, bureau_reviewer=OK, anonymous=LOGIN)
# Pages about enterprise_a (in area_a): bureau, official_a and ent_a see it; official_b and
# ent_b get 404; agencies have no role for enterprises.
ENTERPRISE_A = rule(
    DENIED,
    bureau_admin=OK,
    bureau_reviewer=OK,
    official_a=OK,
    official_b=NOT_FOUND,
    ent_a=OK,
    ent_b=NOT_FOUND,
    anonymous=LOGIN,
)
ENTERPRISE_LIST = rule(
    OK, agency_a_staff=DENIED, agency_b_staff=DENIED, liaison_a=DENIED, liaison_b=DENIED, anonymous=LOGIN
)
# A change of enterprise_a: bureau admin only; others' role forbids it.
ADMIN_EDIT = ADMIN_ONLY
AGENCY_A = rule(
    DENIED,
    bureau_admin=OK,
    bureau_reviewer=OK,
    agency_a_staff=OK,
    agency_b_staff=NOT_FOUND,
    anonymous=LOGIN,
)
AGENCY_LIST = rule(
    DENIED, bureau_admin=OK, bureau_reviewer=OK, agency_a_staff=OK, agency_b_staff=OK, anonymous=LOGIN
)
AGENCY_A_CONTACT = rule(DENIED, agency_a_staff=OK, agency_b_staff=NOT_FOUND, anonymous=LOGIN)
LISTS_VIEW = rule(OK, agency_a_staff=DENIED, agency_b_staff=DENIED, liaison_a=DENIED, liaison_b=DENIED, anonymous=LOGIN)
DRAFT_LIST_VIEW = rule(
    NOT_FOUND,
    bureau_admin=OK,
    bureau_reviewer=OK,
    agency_a_staff=DENIED,
    agency_b_staff=DENIED, liaison_a=DENIED, liaison_b=DENIED,
    anonymous=LOGIN,
)


# --- reporting: annual reports ---
REPORT_A_VIEW = rule(
    NOT_FOUND, bureau_admin=OK, bureau_reviewer=OK, official_a=OK, ent_a=OK, anonymous=LOGIN
)
REPORT_A_EDIT = rule(DENIED, ent_a=OK, ent_b=NOT_FOUND, anonymous=LOGIN)
REPORT_A_COUNTY = rule(DENIED, official_a=OK, official_b=NOT_FOUND, anonymous=LOGIN)
# POST-only pages: an enterprise user's GET gets 405 before any lookup.
REPORT_POST_ONLY = rule(DENIED, ent_a=OK, ent_b=OK, anonymous=LOGIN)
# --- end annual reports ---


# --- reporting: verification (report_v: enterprise_a 2023, assigned to agency_a) ---
VERIFY_QUEUE = rule(
    DENIED, bureau_admin=OK, bureau_reviewer=OK, agency_a_staff=OK, agency_b_staff=OK, anonymous=LOGIN
)
VERIFY_DECLARE = rule(DENIED, agency_a_staff=OK, agency_b_staff=OK, anonymous=LOGIN)
VERIFY_VIEW = rule(
    OK, official_b=NOT_FOUND, ent_b=NOT_FOUND, agency_b_staff=NOT_FOUND, liaison_a=NOT_FOUND,
    liaison_b=NOT_FOUND, anonymous=LOGIN
)
VERIFY_AGENCY_A = rule(DENIED, agency_a_staff=OK, agency_b_staff=NOT_FOUND, anonymous=LOGIN)
VERIFY_ENT_A = rule(DENIED, ent_a=OK, ent_b=NOT_FOUND, anonymous=LOGIN)
# --- end verification ---


# --- monthly ledgers ---
LEDGER_LIST = rule(OK, agency_a_staff=DENIED, agency_b_staff=DENIED, liaison_a=DENIED, liaison_b=DENIED, anonymous=LOGIN)
LEDGER_ENTERPRISE = rule(DENIED, ent_a=OK, ent_b=OK, anonymous=LOGIN)
LEDGER_A_EDIT = rule(DENIED, ent_a=OK, ent_b=NOT_FOUND, anonymous=LOGIN)
LEDGER_A_COUNTY = rule(DENIED, official_a=OK, official_b=NOT_FOUND, anonymous=LOGIN)
# --- end monthly ledgers ---


# --- reporting: checked file downloads ---
# Round 1 of report_v is filed but not yet accepted: the enterprise does not see its PDF yet.
FILE_VERIFICATION_PDF = rule(
    NOT_FOUND,
    bureau_admin=OK,
    bureau_reviewer=OK,
    official_a=OK,
    agency_a_staff=OK,
    anonymous=LOGIN,
)
# --- end checked file downloads ---


# --- allowances: compliance cycles and accounts (account_a: enterprise_a's account) ---
CYCLE_VIEW = LOGGED_IN
ACCOUNT_LIST = rule(OK, agency_a_staff=DENIED, agency_b_staff=DENIED, liaison_a=DENIED, liaison_b=DENIED, anonymous=LOGIN)
ACCOUNT_A = ENTERPRISE_A
# --- end allowances: compliance cycles and accounts ---


# --- allowances: surrender and compliance (surrender_a: a request of enterprise_a) ---
SURRENDER_LIST = rule(OK, agency_a_staff=DENIED, agency_b_staff=DENIED, liaison_a=DENIED, liaison_b=DENIED, anonymous=LOGIN)
SURRENDER_NEW = rule(DENIED, ent_a=OK, ent_b=OK, anonymous=LOGIN)
SURRENDER_A = ENTERPRISE_A
SURRENDER_WITHDRAW_A = rule(DENIED, ent_a=OK, ent_b=NOT_FOUND, anonymous=LOGIN)
COMPLIANCE_VIEW = rule(OK, agency_a_staff=DENIED, agency_b_staff=DENIED, liaison_a=DENIED, liaison_b=DENIED, anonymous=LOGIN)
# --- end allowances: surrender and compliance ---


# --- allowances: penalties and prices (penalty_a: a case of enterprise_a) ---
PRICE_LIST = rule(OK, agency_a_staff=DENIED, agency_b_staff=DENIED, liaison_a=DENIED, liaison_b=DENIED, anonymous=LOGIN)
PENALTY_LIST = PRICE_LIST
PENALTY_A = ENTERPRISE_A
# --- end allowances: penalties and prices ---


# --- allowances: registry statements, transfers, ledger entries (entry_a: enterprise_a's) ---
STATEMENT_VIEW = BUREAU
STATEMENT_IMPORT = ADMIN_ONLY
ENTRY_A = ENTERPRISE_A
# --- end allowances: registry statements, transfers, ledger entries ---


# --- allowances: allocation parameters (plan_x, benchmark_x, band_x, intensity_x: 2025 rows) ---
PARAMETERS_VIEW = LOGGED_IN
PARAMETERS_EDIT = ADMIN_ONLY
PRICE_EXPORT = PRICE_LIST
PENALTY_EXPORT = PRICE_LIST
# --- end allowances: allocation parameters ---


# --- oversight (plan_pub: a published plan whose draw drew enterprise_a; plan_draft; inspection_a:
# enterprise_a's inspection by the reviewer and an expert, rectification pending) ---
INSPECTION_A = rule(
    NOT_FOUND, bureau_admin=OK, bureau_reviewer=OK, official_a=OK, ent_a=OK, anonymous=LOGIN
)
# only the inspectors drawn for it: the reviewer; other roles that may inspect get 404
INSPECTION_A_CONDUCT = rule(
    DENIED, bureau_admin=NOT_FOUND, bureau_reviewer=OK, official_a=NOT_FOUND,
    official_b=NOT_FOUND, anonymous=LOGIN,
)
INSPECTION_A_ANSWER = rule(
    DENIED, ent_a=OK, ent_b=NOT_FOUND, agency_a_staff=NOT_FOUND, agency_b_staff=NOT_FOUND,
    anonymous=LOGIN,
)
DRAFT_PLAN_VIEW = DRAFT_LIST_VIEW | {"agency_a_staff": NOT_FOUND, "agency_b_staff": NOT_FOUND}
# violation_a: a decided case against enterprise_a (area_a): the bureau, official_a and ent_a
# see it; official_b, ent_b and the agencies get 404
VIOLATION_A = INSPECTION_A
# --- end oversight ---


# --- complaints (complaint_x: about enterprise_a, assigned to official_a) ---
# enterprises and agencies have no door into complaints (403); official_b is not its area (404)
COMPLAINT_LIST = rule(DENIED, bureau_admin=OK, bureau_reviewer=OK, official_a=OK, official_b=OK,
                      anonymous=LOGIN)
COMPLAINT_X = rule(DENIED, bureau_admin=OK, bureau_reviewer=OK, official_a=OK,
                   official_b=NOT_FOUND, anonymous=LOGIN)
# the assigned handler only: the reviewer and official_b may handle complaints, not this one
COMPLAINT_X_HANDLE = rule(DENIED, official_a=OK, bureau_reviewer=NOT_FOUND, official_b=NOT_FOUND,
                          anonymous=LOGIN)
# --- end complaints ---


# --- credit events (credit_event_a: enterprise_a's, in force, with an evidence file;
# credit_event_pending: enterprise_a's manual event awaiting a second admin) ---
# every role has the list (scoped: its own rows); the public has none
CREDIT_EVENT_A = rule(NOT_FOUND, bureau_admin=OK, bureau_reviewer=OK, official_a=OK, ent_a=OK,
                      anonymous=LOGIN)
# --- end credit events ---


# --- allowances: allocation (allocation_a: enterprise_a's notified allocation) ---
ALLOCATION_LIST = rule(OK, agency_a_staff=DENIED, agency_b_staff=DENIED, liaison_a=DENIED, liaison_b=DENIED, anonymous=LOGIN)
ALLOCATION_A = ENTERPRISE_A
ALLOCATION_OBJECT_A = rule(DENIED, ent_a=OK, ent_b=NOT_FOUND, anonymous=LOGIN)
# --- end allowances: allocation ---


def _k(**kw):
    return lambda ctx: {k: (v(ctx) if callable(v) else v) for k, v in kw.items()}


def _obj(name, attr="pk"):
    return lambda ctx: getattr(ctx[name], attr)


NO_ARGS = _k()

# url name -> (kwargs builder, expected outcome per persona)
RULES = {
    "home": (NO_ARGS, LOGGED_IN),
    # every role's dashboard has a to-do panel; a panel not on it: 404 (tests/dashboards)
    "dashboard_export": (lambda c: {"panel": "todo"}, LOGGED_IN),
    "notifications": (NO_ARGS, LOGGED_IN),
    "notifications_read_all": (NO_ARGS, LOGGED_IN),
    "audit_trail": (NO_ARGS, ADMIN_ONLY),  # the hash-chain check of the audit tables
    # --- e-mail: the user's own settings; the bureau's failed e-mails (dead letters) ---
    "accounts:mail_preferences": (NO_ARGS, LOGGED_IN),
    "mail_failures": (NO_ARGS, BUREAU),
    "mail_failures_export": (NO_ARGS, BUREAU),
    "mail_failures_retry_all": (NO_ARGS, BUREAU),
    "mail_failure_retry": (_k(pk=_obj("mail_failure_x")), BUREAU),
    # --- end e-mail ---
    "notification_open": (
        _k(pk=lambda c: c["notification_a"].pk),
        rule(NOT_FOUND, ent_a=OK, anonymous=LOGIN),
    ),
    "accounts:login": (NO_ARGS, PUBLIC),
    "accounts:logout": (NO_ARGS, None),  # POST-only by Django; covered by auth tests
    # public
    "public:home": (NO_ARGS, PUBLIC),
    "public:list_detail": (_k(year=_obj("published", "year")), PUBLIC),
    "public:list_export": (_k(year=_obj("published", "year")), PUBLIC),
    "public:register": (NO_ARGS, PUBLIC),
    "public:register_done": (NO_ARGS, PUBLIC),
    # registry: enterprises
    "registry:enterprise_list": (NO_ARGS, ENTERPRISE_LIST),
    "registry:enterprise_export": (NO_ARGS, ENTERPRISE_LIST),
    "registry:enterprise_create": (NO_ARGS, ADMIN_ONLY),
    "registry:enterprise_detail": (_k(pk=_obj("enterprise_a")), ENTERPRISE_A),
    "registry:enterprise_edit": (_k(pk=_obj("enterprise_a")), ADMIN_EDIT),
    "registry:facility_create": (_k(pk=_obj("enterprise_a")), ADMIN_EDIT),
    "registry:facility_edit": (_k(pk=_obj("facility_a")), ADMIN_EDIT),
    "registry:record_create": (_k(pk=_obj("enterprise_a")), ADMIN_EDIT),
    "registry:record_edit": (_k(pk=_obj("record_a")), ADMIN_EDIT),
    # registry: lists
    "registry:list_index": (NO_ARGS, LISTS_VIEW),
    "registry:list_draft": (NO_ARGS, ADMIN_ONLY),
    "registry:list_detail": (_k(year=_obj("draft", "year")), DRAFT_LIST_VIEW),
    "registry:list_export": (_k(year=_obj("draft", "year")), DRAFT_LIST_VIEW),
    "registry:list_publish": (_k(year=_obj("draft", "year")), ADMIN_ONLY),
    # registry: import, applications
    "registry:import": (NO_ARGS, ADMIN_ONLY),
    "registry:import_template": (NO_ARGS, ADMIN_ONLY),
    "registry:import_confirm": (NO_ARGS, ADMIN_ONLY),
    "registry:registration_list": (NO_ARGS, ADMIN_ONLY),
    "registry:registration_detail": (_k(pk=_obj("application")), ADMIN_ONLY),
    # accounts
    "accounts:user_list": (NO_ARGS, ADMIN_ONLY),
    "accounts:user_export": (NO_ARGS, ADMIN_ONLY),
    "accounts:user_create": (NO_ARGS, ADMIN_ONLY),
    "accounts:enterprise_lookup": (NO_ARGS, ADMIN_ONLY),
    "accounts:user_detail": (_k(pk=_obj("ent_a")), ADMIN_ONLY),
    "accounts:user_edit": (_k(pk=_obj("ent_a")), ADMIN_ONLY),
    "accounts:user_deactivate": (_k(pk=_obj("ent_a")), ADMIN_ONLY),
    "accounts:user_activate": (_k(pk=_obj("ent_a")), ADMIN_ONLY),
    "accounts:membership_add": (_k(pk=_obj("ent_a")), ADMIN_ONLY),
    "accounts:membership_deactivate": (_k(pk=_obj("membership_a")), ADMIN_ONLY),
    # --- accounts: passwords and login lockouts ---
    "accounts:password_change": (NO_ARGS, LOGGED_IN),
    "accounts:password_change_done": (NO_ARGS, LOGGED_IN),
    "accounts:password_reset": (NO_ARGS, PUBLIC),
    "accounts:password_reset_done": (NO_ARGS, PUBLIC),
    # a valid link: it redirects to the form (the token moves into the session)
    "accounts:password_reset_confirm": (
        _k(uidb64=_obj("reset_link", "uidb64"), token=_obj("reset_link", "token")),
        PUBLIC,
    ),
    "accounts:password_reset_complete": (NO_ARGS, PUBLIC),
    "accounts:lockout_list": (NO_ARGS, ADMIN_ONLY),
    "accounts:lockout_export": (NO_ARGS, ADMIN_ONLY),
    "accounts:lockout_unlock": (_k(kind="username", key=_obj("lockout_x", "username")), ADMIN_ONLY),
    # --- end passwords and login lockouts ---
    # agencies
    "verifiers:agency_list": (NO_ARGS, AGENCY_LIST),
    "verifiers:agency_export": (NO_ARGS, AGENCY_LIST),
    "verifiers:agency_create": (NO_ARGS, ADMIN_ONLY),
    "verifiers:agency_detail": (_k(pk=_obj("agency_a")), AGENCY_A),
    "verifiers:agency_edit": (_k(pk=_obj("agency_a")), ADMIN_ONLY),
    "verifiers:agency_contact_edit": (_k(pk=_obj("agency_a")), AGENCY_A_CONTACT),
    "verifiers:qualification_create": (_k(pk=_obj("agency_a")), ADMIN_ONLY),
    "verifiers:qualification_edit": (_k(pk=_obj("qualification_a")), ADMIN_ONLY),
    "verifiers:staff_create": (_k(pk=_obj("agency_a")), ADMIN_ONLY),
    "verifiers:staff_edit": (_k(pk=_obj("staff_a")), ADMIN_ONLY),
    # --- reporting: factor tables and holiday calendar (everyone logged in reads) ---
    "reporting:factor_index": (NO_ARGS, LOGGED_IN),
    "reporting:factor_export": (NO_ARGS, LOGGED_IN),
    "reporting:fuel_create": (NO_ARGS, ADMIN_ONLY),
    "reporting:fuel_edit": (_k(pk=_obj("fuel_x")), ADMIN_ONLY),
    "reporting:fuel_factor_create": (_k(pk=_obj("fuel_x")), ADMIN_ONLY),
    "reporting:fuel_factor_edit": (_k(pk=_obj("fuel_factor_x")), ADMIN_ONLY),
    "reporting:emission_factor_create": (NO_ARGS, ADMIN_ONLY),
    "reporting:emission_factor_edit": (_k(pk=_obj("emission_factor_x")), ADMIN_ONLY),
    "reporting:applicability_create": (NO_ARGS, ADMIN_ONLY),
    "reporting:applicability_edit": (_k(pk=_obj("applicability_x")), ADMIN_ONLY),
    "reporting:reporting_year_create": (NO_ARGS, ADMIN_ONLY),
    "reporting:reporting_year_edit": (_k(pk=_obj("reporting_year_x")), ADMIN_ONLY),
    "reporting:calendar_index": (NO_ARGS, LOGGED_IN),
    "reporting:calendar_create": (NO_ARGS, ADMIN_ONLY),
    "reporting:calendar_edit": (_k(pk=_obj("calendar_day_x")), ADMIN_ONLY),
    "reporting:calendar_delete": (_k(pk=_obj("calendar_day_x")), ADMIN_ONLY),
    # --- end factor tables ---
    # --- reporting: verification ---
    "reporting:verification_queue": (NO_ARGS, VERIFY_QUEUE),
    "reporting:declaration_list": (NO_ARGS, VERIFY_DECLARE),
    "reporting:declaration_add": (NO_ARGS, VERIFY_DECLARE),
    "reporting:verification_detail": (_k(pk=_obj("report_v")), VERIFY_VIEW),
    "reporting:verification_assign": (_k(pk=_obj("report_v")), ADMIN_ONLY),
    "reporting:finding_add": (_k(pk=_obj("report_v")), VERIFY_AGENCY_A),
    "reporting:finding_send": (_k(pk=_obj("finding_unsent")), VERIFY_AGENCY_A),
    "reporting:finding_answer": (_k(pk=_obj("finding_sent")), VERIFY_ENT_A),
    "reporting:verification_file": (_k(pk=_obj("report_v")), VERIFY_AGENCY_A),
    "reporting:recheck": (_k(pk=_obj("report_v")), BUREAU),
    "reporting:objection_file": (_k(pk=_obj("report_v")), VERIFY_ENT_A),
    "reporting:objection_decide": (_k(pk=_obj("objection_v")), ADMIN_ONLY),
    "disclosure:index": (NO_ARGS, PUBLIC),
    "disclosure:export": (NO_ARGS, PUBLIC),
    # --- end verification ---
    # --- reporting: annual reports (report_a: a draft of enterprise_a, one line) ---
    "reporting:report_list": (NO_ARGS, LOGGED_IN),
    "reporting:report_export": (NO_ARGS, LOGGED_IN),
    "reporting:report_start": (NO_ARGS, REPORT_POST_ONLY),
    "reporting:report_detail": (_k(pk=_obj("report_a")), REPORT_A_VIEW),
    "reporting:report_version": (_k(pk=_obj("report_a"), number=1), REPORT_A_VIEW),
    "reporting:report_line_add": (_k(pk=_obj("report_a")), REPORT_A_EDIT),
    "reporting:report_line_edit": (_k(pk=_obj("report_line_a")), REPORT_A_EDIT),
    "reporting:report_line_delete": (_k(pk=_obj("report_line_a")), REPORT_A_EDIT),
    "reporting:report_totals": (_k(pk=_obj("report_a")), REPORT_POST_ONLY),
    "reporting:report_submit": (_k(pk=_obj("report_a")), REPORT_A_EDIT),
    "reporting:report_county_check": (_k(pk=_obj("report_a")), REPORT_A_COUNTY),
    "reporting:report_revise": (_k(pk=_obj("report_a")), REPORT_A_EDIT),
    "reporting:report_template": (_k(pk=_obj("report_a")), REPORT_A_EDIT),
    "reporting:report_upload": (_k(pk=_obj("report_a")), REPORT_A_EDIT),
    # --- end annual reports ---
    # --- reporting: monthly ledgers (ledger_a: a draft of enterprise_a's facility_a) ---
    "reporting:ledger_index": (NO_ARGS, LEDGER_LIST),
    "reporting:ledger_grid_export": (NO_ARGS, LEDGER_LIST),
    "reporting:ledger_new": (NO_ARGS, LEDGER_ENTERPRISE),
    "reporting:ledger_template": (NO_ARGS, LEDGER_ENTERPRISE),
    "reporting:ledger_upload": (NO_ARGS, LEDGER_ENTERPRISE),
    "reporting:ledger_detail": (_k(pk=_obj("ledger_a")), ENTERPRISE_A),
    "reporting:ledger_edit": (_k(pk=_obj("ledger_a")), LEDGER_A_EDIT),
    "reporting:ledger_submit": (_k(pk=_obj("ledger_a")), LEDGER_A_EDIT),
    "reporting:ledger_evidence_upload": (_k(pk=_obj("ledger_a")), LEDGER_A_EDIT),
    "reporting:ledger_county_check": (_k(pk=_obj("ledger_a")), LEDGER_A_COUNTY),
    "reporting:ledger_close": (_k(pk=_obj("ledger_a")), BUREAU),
    # --- end monthly ledgers ---
    # --- reporting: checked file downloads ---
    "reporting:ledger_evidence_download": (
        _k(pk=_obj("ledger_a"), evidence_pk=_obj("files_evidence")),
        ENTERPRISE_A,
    ),
    "reporting:report_version_workbook": (_k(pk=_obj("report_a"), number=1), REPORT_A_VIEW),
    "reporting:verification_report_download": (
        _k(pk=_obj("report_v"), round_number=1),
        FILE_VERIFICATION_PDF,
    ),
    "reporting:objection_file_download": (
        _k(pk=_obj("report_v"), objection_pk=_obj("objection_v")),
        VERIFY_VIEW,
    ),
    # --- end checked file downloads ---
    # --- allowances: compliance cycles and accounts ---
    "allowances:cycle_list": (NO_ARGS, CYCLE_VIEW),
    "allowances:cycle_create": (NO_ARGS, ADMIN_ONLY),
    "allowances:cycle_detail": (_k(year=_obj("cycle_x", "year")), CYCLE_VIEW),
    "allowances:cycle_edit": (_k(year=_obj("cycle_x", "year")), ADMIN_ONLY),
    "allowances:milestone_create": (_k(year=_obj("cycle_x", "year")), ADMIN_ONLY),
    "allowances:milestone_edit": (_k(pk=_obj("milestone_x")), ADMIN_ONLY),
    "allowances:account_list": (NO_ARGS, ACCOUNT_LIST),
    "allowances:account_export": (NO_ARGS, ACCOUNT_LIST),
    "allowances:account_detail": (_k(pk=_obj("account_a")), ACCOUNT_A),
    "allowances:account_entries_export": (_k(pk=_obj("account_a")), ACCOUNT_A),
    # --- end allowances: compliance cycles and accounts ---
    # --- allowances: surrender and compliance ---
    "allowances:surrender_list": (NO_ARGS, SURRENDER_LIST),
    "allowances:surrender_export": (NO_ARGS, SURRENDER_LIST),
    "allowances:surrender_new": (NO_ARGS, SURRENDER_NEW),
    "allowances:surrender_detail": (_k(pk=_obj("surrender_a")), SURRENDER_A),
    "allowances:surrender_approve": (_k(pk=_obj("surrender_a")), BUREAU),
    "allowances:surrender_confirm": (_k(pk=_obj("surrender_a")), BUREAU),
    "allowances:surrender_reject": (_k(pk=_obj("surrender_a")), BUREAU),
    "allowances:surrender_withdraw": (_k(pk=_obj("surrender_a")), SURRENDER_WITHDRAW_A),
    "allowances:compliance": (NO_ARGS, COMPLIANCE_VIEW),
    "allowances:compliance_export": (NO_ARGS, COMPLIANCE_VIEW),
    # --- end allowances: surrender and compliance ---
    # --- allowances: penalties and prices ---
    "allowances:price_list": (NO_ARGS, PRICE_LIST),
    "allowances:penalty_list": (NO_ARGS, PENALTY_LIST),
    "allowances:penalty_open": (NO_ARGS, ADMIN_ONLY),
    "allowances:penalty_detail": (_k(pk=_obj("penalty_a")), PENALTY_A),
    "allowances:penalty_cut": (_k(pk=_obj("penalty_a")), ADMIN_ONLY),
    "allowances:penalty_document": (_k(pk=_obj("penalty_a")), PENALTY_A),
    # --- end allowances: penalties and prices ---
    # --- allowances: allocation ---
    "allowances:allocation_list": (NO_ARGS, ALLOCATION_LIST),
    "allowances:allocation_export": (NO_ARGS, ALLOCATION_LIST),
    "allowances:allocation_detail": (_k(pk=_obj("allocation_a")), ALLOCATION_A),
    "allowances:allocation_object": (_k(pk=_obj("allocation_a")), ALLOCATION_OBJECT_A),
    "allowances:allocation_issue": (_k(pk=_obj("allocation_a")), ADMIN_ONLY),
    "allowances:allocation_objection_decide": (_k(pk=_obj("objection_x")), ADMIN_ONLY),
    "allowances:allocation_objection_file": (_k(pk=_obj("objection_x")), ALLOCATION_A),
    "allowances:allocation_template": (_k(year=_obj("cycle_x", "year")), ADMIN_ONLY),
    "allowances:allocation_import": (_k(year=_obj("cycle_x", "year")), ADMIN_ONLY),
    "allowances:allocation_recheck": (_k(year=_obj("cycle_x", "year")), ADMIN_ONLY),
    "allowances:allocation_notify": (_k(year=_obj("cycle_x", "year")), ADMIN_ONLY),
    "allowances:allocation_issue_all": (_k(year=_obj("cycle_x", "year")), ADMIN_ONLY),
    # --- end allowances: allocation ---
    # --- allowances: registry statements, transfers, ledger entries ---
    "allowances:statement_list": (NO_ARGS, STATEMENT_VIEW),
    "allowances:statement_template": (NO_ARGS, STATEMENT_IMPORT),
    "allowances:statement_detail": (_k(pk=_obj("statement_x")), STATEMENT_VIEW),
    "allowances:statement_export": (_k(pk=_obj("statement_x")), STATEMENT_VIEW),
    "allowances:statement_download": (_k(pk=_obj("statement_x")), STATEMENT_VIEW),
    "allowances:transfer_new": (NO_ARGS, STATEMENT_IMPORT),
    "allowances:transfer_accounts": (NO_ARGS, STATEMENT_IMPORT),
    "allowances:entry_detail": (_k(pk=_obj("entry_a")), ENTRY_A),
    "allowances:entry_reverse": (_k(pk=_obj("entry_a")), STATEMENT_IMPORT),
    # --- end allowances: registry statements, transfers, ledger entries ---
    # --- allowances: allocation parameters ---
    "allowances:parameter_index": (NO_ARGS, PARAMETERS_VIEW),
    "allowances:plan_create": (NO_ARGS, PARAMETERS_EDIT),
    "allowances:plan_export": (NO_ARGS, PARAMETERS_VIEW),
    "allowances:plan_edit": (_k(pk=_obj("plan_x")), PARAMETERS_EDIT),
    "allowances:plan_delete": (_k(pk=_obj("plan_x")), PARAMETERS_EDIT),
    "allowances:benchmark_create": (NO_ARGS, PARAMETERS_EDIT),
    "allowances:benchmark_export": (NO_ARGS, PARAMETERS_VIEW),
    "allowances:benchmark_edit": (_k(pk=_obj("benchmark_x")), PARAMETERS_EDIT),
    "allowances:benchmark_delete": (_k(pk=_obj("benchmark_x")), PARAMETERS_EDIT),
    "allowances:band_create": (NO_ARGS, PARAMETERS_EDIT),
    "allowances:band_export": (NO_ARGS, PARAMETERS_VIEW),
    "allowances:band_edit": (_k(pk=_obj("band_x")), PARAMETERS_EDIT),
    "allowances:band_delete": (_k(pk=_obj("band_x")), PARAMETERS_EDIT),
    "allowances:intensity_create": (NO_ARGS, PARAMETERS_EDIT),
    "allowances:intensity_export": (NO_ARGS, PARAMETERS_VIEW),
    "allowances:intensity_edit": (_k(pk=_obj("intensity_x")), PARAMETERS_EDIT),
    "allowances:intensity_delete": (_k(pk=_obj("intensity_x")), PARAMETERS_EDIT),
    "allowances:price_export": (NO_ARGS, PRICE_EXPORT),
    "allowances:penalty_export": (NO_ARGS, PENALTY_EXPORT),
    # --- end allowances: allocation parameters ---
    # --- oversight ---
    "oversight:plan_list": (NO_ARGS, LOGGED_IN),
    "oversight:plan_export": (NO_ARGS, LOGGED_IN),
    "oversight:plan_create": (NO_ARGS, ADMIN_ONLY),
    "oversight:plan_detail": (_k(pk=_obj("plan_pub")), LOGGED_IN),
    "oversight:plan_rerun": (_k(pk=_obj("plan_pub")), LOGGED_IN),
    "oversight:plan_targets_export": (_k(pk=_obj("plan_pub")), LOGGED_IN),
    "oversight:plan_edit": (_k(pk=_obj("plan_draft")), ADMIN_ONLY),
    "oversight:plan_draw": (_k(pk=_obj("plan_draft")), ADMIN_ONLY),
    "oversight:plan_publish": (_k(pk=_obj("plan_draft")), ADMIN_ONLY),
    "oversight:inspection_list": (NO_ARGS, LOGGED_IN),
    "oversight:inspection_export": (NO_ARGS, LOGGED_IN),
    "oversight:inspection_open": (NO_ARGS, ADMIN_ONLY),
    "oversight:inspection_detail": (_k(pk=_obj("inspection_a")), INSPECTION_A),
    "oversight:evidence_download": (_k(pk=_obj("evidence_a")), INSPECTION_A),
    "oversight:inspection_record": (_k(pk=_obj("inspection_a")), INSPECTION_A_CONDUCT),
    "oversight:finding_add": (_k(pk=_obj("inspection_a")), INSPECTION_A_CONDUCT),
    "oversight:inspection_conclude": (_k(pk=_obj("inspection_a")), INSPECTION_A_CONDUCT),
    "oversight:rectification_review": (_k(pk=_obj("inspection_a")), INSPECTION_A_CONDUCT),
    "oversight:rectification_answer": (_k(pk=_obj("inspection_a")), INSPECTION_A_ANSWER),
    "oversight:inspector_list": (NO_ARGS, ADMIN_ONLY),
    "oversight:inspector_export": (NO_ARGS, ADMIN_ONLY),
    "oversight:inspector_create": (NO_ARGS, ADMIN_ONLY),
    "oversight:inspector_detail": (_k(pk=_obj("inspector_x")), ADMIN_ONLY),
    "oversight:inspector_edit": (_k(pk=_obj("inspector_x")), ADMIN_ONLY),
    "oversight:conflict_create": (_k(pk=_obj("inspector_x")), ADMIN_ONLY),
    "oversight:conflict_withdraw": (_k(pk=_obj("conflict_x")), ADMIN_ONLY),
    "inspections_public:plan_list": (NO_ARGS, PUBLIC),
    "inspections_public:plan_detail": (_k(pk=_obj("plan_pub")), PUBLIC),
    "inspections_public:plan_export": (_k(pk=_obj("plan_pub")), PUBLIC),
    "oversight:violation_list": (NO_ARGS, LOGGED_IN),
    "oversight:violation_export": (NO_ARGS, LOGGED_IN),
    "oversight:violation_open": (NO_ARGS, ADMIN_ONLY),
    "oversight:violation_detail": (_k(pk=_obj("violation_a")), VIOLATION_A),
    "oversight:violation_decision_file": (_k(pk=_obj("violation_a")), VIOLATION_A),
    "oversight:violation_evidence_download": (_k(pk=_obj("violation_evidence_a")), VIOLATION_A),
    "oversight:violation_evidence_add": (_k(pk=_obj("violation_open")), ADMIN_ONLY),
    "oversight:violation_person_add": (_k(pk=_obj("violation_open")), ADMIN_ONLY),
    "oversight:violation_department_add": (_k(pk=_obj("violation_open")), ADMIN_ONLY),
    "oversight:violation_decide": (_k(pk=_obj("violation_open")), ADMIN_ONLY),
    "oversight:violation_refer": (_k(pk=_obj("violation_a")), ADMIN_ONLY),
    "oversight:violation_close": (_k(pk=_obj("violation_a")), ADMIN_ONLY),
    "oversight:violation_referral_export": (_k(pk=_obj("violation_a")), ADMIN_ONLY),
    "oversight:penalty_range_list": (NO_ARGS, ADMIN_ONLY),
    "oversight:penalty_range_create": (NO_ARGS, ADMIN_ONLY),
    # --- end oversight ---
    # --- complaints ---
    "complaints_public:complaint_new": (NO_ARGS, PUBLIC),
    "complaints_public:complaint_done": (NO_ARGS, PUBLIC),
    "complaints_public:complaint_track": (NO_ARGS, PUBLIC),
    "complaints_public:target_lookup": (NO_ARGS, PUBLIC),
    "complaints:complaint_list": (NO_ARGS, COMPLAINT_LIST),
    "complaints:complaint_export": (NO_ARGS, COMPLAINT_LIST),
    "complaints:complaint_statistics": (NO_ARGS, COMPLAINT_LIST),
    "complaints:complaint_statistics_export": (NO_ARGS, COMPLAINT_LIST),
    "complaints:complaint_detail": (_k(pk=_obj("complaint_x")), COMPLAINT_X),
    "complaints:attachment_download": (_k(pk=_obj("complaint_attachment_x")), COMPLAINT_X),
    "complaints:complaint_accept": (_k(pk=_obj("complaint_x")), ADMIN_ONLY),
    "complaints:complaint_reject": (_k(pk=_obj("complaint_x")), ADMIN_ONLY),
    "complaints:complaint_merge": (_k(pk=_obj("complaint_x")), ADMIN_ONLY),
    "complaints:complaint_assign": (_k(pk=_obj("complaint_x")), ADMIN_ONLY),
    "complaints:complaint_official": (_k(pk=_obj("complaint_x")), ADMIN_ONLY),
    "complaints:reply_return": (_k(pk=_obj("complaint_x")), ADMIN_ONLY),
    "complaints:reply_approve": (_k(pk=_obj("complaint_x")), ADMIN_ONLY),
    "complaints:complaint_identity": (_k(pk=_obj("complaint_x")), ADMIN_ONLY),
    "complaints:complaint_findings": (_k(pk=_obj("complaint_x")), COMPLAINT_X_HANDLE),
    "complaints:reply_draft": (_k(pk=_obj("complaint_x")), COMPLAINT_X_HANDLE),
    # --- end complaints ---
}

# --- credit events ---
RULES |= {
    "credit:event_list": (NO_ARGS, LOGGED_IN),
    "credit:event_export": (NO_ARGS, LOGGED_IN),
    "credit:event_new": (NO_ARGS, ADMIN_ONLY),
    "credit:event_detail": (_k(pk=_obj("credit_event_manual")), CREDIT_EVENT_A),
    "credit:event_evidence": (_k(pk=_obj("credit_event_manual")), CREDIT_EVENT_A),
    "credit:event_confirm": (_k(pk=_obj("credit_event_pending")), ADMIN_ONLY),
    "credit:event_refuse": (_k(pk=_obj("credit_event_pending")), ADMIN_ONLY),
}
# --- end credit events ---

# --- oversight: agency performance (the league: the bureau every agency, an agency its own
# figures; county officials are refused: agencies work city-wide, see roles.py) ---
AGENCY_PERFORMANCE = rule(
    DENIED, bureau_admin=OK, bureau_reviewer=OK, agency_a_staff=OK, agency_b_staff=OK,
    anonymous=LOGIN,
)
RULES |= {
    "oversight:performance": (NO_ARGS, AGENCY_PERFORMANCE),
    "oversight:performance_export": (NO_ARGS, AGENCY_PERFORMANCE),
}
# --- end oversight: agency performance ---


# --- oversight: the inspection checklist (bureau admin; points are reference data) ---
def _checklist_point(ctx):
    from oversight.models import ChecklistItem

    return ChecklistItem.objects.order_by("pk").first().pk


RULES |= {
    "oversight:checklist": (NO_ARGS, ADMIN_ONLY),
    "oversight:checklist_export": (NO_ARGS, ADMIN_ONLY),
    "oversight:checklist_create": (NO_ARGS, ADMIN_ONLY),
    "oversight:checklist_edit": (_k(pk=_checklist_point), ADMIN_ONLY),
    "oversight:checklist_move": (_k(pk=_checklist_point), ADMIN_ONLY),
    "oversight:checklist_active": (_k(pk=_checklist_point), ADMIN_ONLY),
}
# --- end oversight: the inspection checklist ---


# --- credit: years, grades, objections, repairs (grade_a: enterprise_a's provisional grade
# 2025 with objection_a; repair_a: enterprise_a's application for an event of the final 2024) ---
# grades are read by every role within its scope: agencies and other areas get 404
CREDIT_GRADE_A = rule(NOT_FOUND, bureau_admin=OK, bureau_reviewer=OK, official_a=OK, ent_a=OK,
                      anonymous=LOGIN)
# the subject's own actions: enterprise users and agency staff; another subject 404
CREDIT_OWN_A = rule(DENIED, ent_a=OK, ent_b=NOT_FOUND, agency_a_staff=NOT_FOUND,
                    agency_b_staff=NOT_FOUND, anonymous=LOGIN)
MY_CREDIT = rule(DENIED, ent_a=OK, ent_b=OK, agency_a_staff=OK, agency_b_staff=OK,
                 anonymous=LOGIN)
CREDIT_YEAR_ARGS = _k(year=_obj("credit_year_a", "year"))
RULES |= {
    "credit:year_list": (NO_ARGS, BUREAU),
    "credit:year_open": (NO_ARGS, ADMIN_ONLY),
    "credit:year_detail": (CREDIT_YEAR_ARGS, BUREAU),
    "credit:year_freeze": (CREDIT_YEAR_ARGS, ADMIN_ONLY),
    "credit:year_publish": (CREDIT_YEAR_ARGS, ADMIN_ONLY),
    "credit:grade_index": (NO_ARGS, LOGGED_IN),
    "credit:year_grades": (CREDIT_YEAR_ARGS, LOGGED_IN),
    "credit:year_export": (CREDIT_YEAR_ARGS, LOGGED_IN),
    "credit:grade_detail": (_k(pk=_obj("grade_a")), CREDIT_GRADE_A),
    "credit:my_credit": (NO_ARGS, MY_CREDIT),
    "credit:objection_list": (NO_ARGS, BUREAU),
    "credit:objection_export": (NO_ARGS, BUREAU),
    "credit:objection_detail": (_k(pk=_obj("objection_a")), CREDIT_GRADE_A),
    "credit:objection_file": (_k(pk=_obj("objection_a")), CREDIT_GRADE_A),
    "credit:objection_decide": (_k(pk=_obj("objection_a")), ADMIN_ONLY),
    "credit:objection_new": (_k(grade_pk=_obj("grade_a"), event_pk=_obj("credit_event_a")),
                             CREDIT_OWN_A),
    "credit:repair_list": (NO_ARGS, BUREAU),
    "credit:repair_export": (NO_ARGS, BUREAU),
    "credit:repair_detail": (_k(pk=_obj("repair_a")), CREDIT_GRADE_A),
    "credit:repair_file": (_k(pk=_obj("repair_a")), CREDIT_GRADE_A),
    "credit:repair_decide": (_k(pk=_obj("repair_a")), ADMIN_ONLY),
    "credit:repair_new": (_k(event_pk=_obj("credit_event_a24")), CREDIT_OWN_A),
    "credit_public:index": (NO_ARGS, PUBLIC),
    "credit_public:year": (_k(year=_obj("credit_year_final", "year")), PUBLIC),
}
# --- end credit: years, grades, objections, repairs ---
# --- credit: use of grades (the partner departments' export: bureau admin only; without a
# final year the page says so, which the matrix sees as a 200) ---
RULES |= {
    "credit:partners_export": (NO_ARGS, ADMIN_ONLY),
}
# --- end credit: use of grades ---


# --- credit: rule sets and score cards (the default draft 2025-1; enterprise_a's and
# agency_a's cards for 2025). Rule sets and the year's live scores are the bureau's; every role
# may open score cards, scoped by the subject: others' cards are 404 ---
def _credit_draft(ctx):
    from credit import reference
    from credit.models import GroupCap, RuleLine, RuleSet

    reference.load(RuleSet, RuleLine, GroupCap)  # a flushed database has lost the migration's
    return RuleSet.objects.get(version=reference.VERSION).pk


CARD_ENTERPRISE_A = ENTERPRISE_A | {
    "agency_a_staff": NOT_FOUND, "agency_b_staff": NOT_FOUND, "liaison_a": NOT_FOUND,
    "liaison_b": NOT_FOUND,
}
CARD_AGENCY_A = rule(NOT_FOUND, bureau_admin=OK, bureau_reviewer=OK, agency_a_staff=OK,
                     anonymous=LOGIN)
RULES |= {
    "credit:rule_set_list": (NO_ARGS, BUREAU),
    "credit:rule_set_create": (NO_ARGS, ADMIN_ONLY),
    "credit:rule_set_detail": (_k(pk=_credit_draft), BUREAU),
    "credit:rule_set_export": (_k(pk=_credit_draft), BUREAU),
    "credit:rule_set_what_if": (_k(pk=_credit_draft), BUREAU),
    "credit:rule_set_what_if_export": (_k(pk=_credit_draft), BUREAU),
    "credit:rule_set_edit": (_k(pk=_credit_draft), ADMIN_ONLY),
    "credit:rule_set_delete": (_k(pk=_credit_draft), ADMIN_ONLY),
    "credit:rule_set_publish": (_k(pk=_credit_draft), ADMIN_ONLY),
    "credit:score_list": (NO_ARGS, BUREAU),
    "credit:score_export": (NO_ARGS, BUREAU),
    "credit:card": (_k(kind="enterprise", pk=_obj("enterprise_a"), year=2025),
                           CARD_ENTERPRISE_A),
}
CARD_RULES = {  # the same URL name for an agency's card: test_credit_agency_card
    "agency": (_k(kind="agency", pk=_obj("agency_a"), year=2025), CARD_AGENCY_A),
}
# --- end credit: rule sets and score cards ---


def portal_url_names() -> list[str]:
    names = []

    def walk(patterns, namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                if ns and namespace and p.namespace:
                    ns = f"{namespace}:{p.namespace}"
                walk(p.url_patterns, ns if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.name:
                full = f"{namespace}:{p.name}" if namespace else p.name
                names.append(full)

    walk(get_resolver().url_patterns)
    return sorted(
        {n for n in names if not n.startswith(EXEMPT_PREFIXES) and not n.startswith("api:")}
    )


def test_every_url_has_a_rule():
    missing = [n for n in portal_url_names() if n not in RULES]
    assert not missing, f"URLs without an access rule in tests/test_url_matrix.py: {missing}"
    stale = [n for n in RULES if n not in portal_url_names()]
    assert not stale, f"Rules for URLs that no longer exist: {stale}"


def _report_ctx(enterprise, user):
    """reporting: a draft report of enterprise_a with one electricity line."""
    from reporting.models import ReportLine

    report = f.report_draft(enterprise, user, year=2024)
    line = ReportLine.objects.create(
        version=report.current_version,
        source_kind="electricity",
        activity=Decimal("100"),
        factor=Decimal("0.5366"),
        emissions=Decimal("53.66"),
    )
    return {"report_a": report, "report_line_a": line}


def _verify_ctx(enterprise, agency, ent_user, agency_user):
    """verification: report_v (enterprise_a, 2023) assigned to agency_a, with an unsent and a
    sent finding and a pending objection (made with the ORM)."""
    from datetime import date

    from django.utils import timezone

    from reporting.models import Finding, Objection

    report = f.verification_report_passed(enterprise, ent_user, year=2023)
    report.status, report.agency, report.verification_due = "assigned", agency, date(2030, 1, 1)
    report.save()
    unsent = Finding.objects.create(report=report, round=1, text="unsent", raised_by=agency_user)
    sent = Finding.objects.create(
        report=report, round=1, text="sent", raised_by=agency_user, sent_at=timezone.now()
    )
    objection = Objection.objects.create(
        report=report, reasons="r", filed_by=ent_user, decision_due=date(2030, 1, 1)
    )
    return {"report_v": report, "finding_unsent": unsent, "finding_sent": sent, "objection_v": objection}


def _factors_ctx():
    """factor tables: seeded rows (reference data) plus a reporting year and a calendar day."""
    from datetime import date

    from reporting.models import EmissionFactor, FactorApplicability, FuelFactor, ReportingYear
    from zhongwei_carbon.models import CalendarDay

    year = ReportingYear.objects.create(
        year=2025, report_due=date(2026, 2, 1), report_city_due=date(2026, 3, 1)
    )
    return {
        "fuel_x": FuelFactor.objects.select_related("fuel").first().fuel,
        "fuel_factor_x": FuelFactor.objects.first(),
        "emission_factor_x": EmissionFactor.objects.first(),
        "applicability_x": FactorApplicability.objects.first(),
        "reporting_year_x": year,
        "calendar_day_x": CalendarDay.objects.create(date=date(2025, 10, 1), kind="holiday"),
    }


def _files_ctx(c):
    """checked file downloads: stored files on ledger_a, report_a v1, report_v (round 1 filed,
    not accepted) and objection_v."""
    from django.core.files.base import ContentFile

    from reporting.models import LedgerEvidence, VerificationReport

    evidence = LedgerEvidence(
        ledger=c["ledger_a"], original_name="stamped.pdf", sha256="0" * 64,
        uploaded_by=c["ent_a"],
    )
    evidence.file.save("stamped.pdf", ContentFile(b"%PDF-evidence"), save=True)
    c["report_a"].current_version.source_file.save("r.xlsx", ContentFile(b"PK-xlsx"), save=True)
    round1 = VerificationReport(
        report=c["report_v"], round=1, agency=c["agency_a"], filed_by=c["agency_a_staff"],
        conclusion="confirmed", verified_total=Decimal("30573.36"), sha256="1" * 64,
    )
    round1.file.save("signed.pdf", ContentFile(b"%PDF-signed"), save=True)
    c["objection_v"].file.save("proof.pdf", ContentFile(b"%PDF-objection"), save=True)
    return {"files_evidence": evidence}


def _security_ctx(ent_b):
    """accounts: reset_link, a valid password reset link of ent_b, and lockout_x, failed
    log-ins that lock a user name (one of no account: a persona's would be cleared when the
    matrix logs that persona in)."""
    from types import SimpleNamespace

    from axes.models import AccessAttempt
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    link = SimpleNamespace(
        uidb64=urlsafe_base64_encode(force_bytes(ent_b.pk)),
        token=default_token_generator.make_token(ent_b),
    )
    attempt = AccessAttempt.objects.create(
        username="locked-name", ip_address="10.9.8.7", user_agent="matrix", get_data="",
        post_data="", http_accept="", path_info="/accounts/login/", failures_since_start=5,
    )
    return {"reset_link": link, "lockout_x": attempt}


def _cycles_accounts_ctx(enterprise):
    """allowances: cycle_x (2025) with one milestone, and enterprise_a's account."""
    from datetime import date

    from allowances.models import AllowanceAccount, ComplianceCycle, Milestone

    # get_or_create: other allowance blocks may need the same cycle and account
    cycle, _ = ComplianceCycle.objects.get_or_create(year=2025, defaults={"name": "2025"})
    milestone, _ = Milestone.objects.get_or_create(
        cycle=cycle, kind="surrender_deadline", defaults={"due_date": date(2026, 12, 31)}
    )
    account, _ = AllowanceAccount.objects.get_or_create(enterprise=enterprise)
    return {"cycle_x": cycle, "milestone_x": milestone, "account_a": account}


def _surrender_ctx(enterprise, ent_user):
    """allowances: surrender_a, a requested surrender of enterprise_a (cycle 2025, ORM)."""
    from allowances.models import AllowanceAccount, ComplianceCycle, SurrenderRequest

    cycle, _ = ComplianceCycle.objects.get_or_create(year=2025, defaults={"name": "2025"})
    account, _ = AllowanceAccount.objects.get_or_create(enterprise=enterprise)
    request = SurrenderRequest.objects.create(
        account=account, cycle=cycle, cea=[[2025, 10]], requested_by=ent_user
    )
    return {"surrender_a": request}


def _penalty_ctx(enterprise, admin):
    """allowances: penalty_a, an open case of enterprise_a (cycle 2025, ORM)."""
    from decimal import Decimal

    from allowances.models import ComplianceCycle, PenaltyCase

    cycle, _ = ComplianceCycle.objects.get_or_create(year=2025, defaults={"name": "2025"})
    case = PenaltyCase.objects.create(
        cycle=cycle, enterprise=enterprise, tonnes_short=10, price=Decimal("80.00"),
        fine_min=Decimal("4000.00"), fine_max=Decimal("8000.00"), next_year_cut=10,
        opened_by=admin,
    )
    from django.core.files.base import ContentFile

    case.decision_document.save("decision.pdf", ContentFile(b"%PDF-decision"), save=True)
    return {"penalty_a": case}


def _statements_ctx(enterprise, admin):
    """allowances: statement_x (one line about enterprise_a, stored file) and entry_a, a
    transfer-in entry of enterprise_a's account (ORM)."""
    from django.core.files.base import ContentFile

    from allowances.models import (
        AllowanceAccount,
        Holding,
        LedgerEntry,
        RegistryStatement,
        StatementLine,
    )

    statement = RegistryStatement(
        as_of="2025-06-30", file_name="s.csv", uploaded_by=admin, line_count=1
    )
    statement.file.save("s.csv", ContentFile(b"uscc"), save=True)
    StatementLine.objects.create(
        statement=statement, enterprise=enterprise, uscc=enterprise.uscc, unit_type="cea",
        vintage=2025, statement_quantity=10, portal_quantity=10,
    )
    account, _ = AllowanceAccount.objects.get_or_create(enterprise=enterprise)
    holding, _ = Holding.objects.get_or_create(
        account=account, unit_type="cea", vintage=2025, project=None, defaults={"quantity": 10}
    )
    entry = LedgerEntry.objects.create(
        holding=holding, kind="transfer_in", quantity=10, reference="matrix", actor=admin
    )
    return {"statement_x": statement, "entry_a": entry}


def _parameters_ctx():
    """allowances: plan_x, benchmark_x, band_x and intensity_x, 2025 rows (ORM)."""
    from allowances.models import AllocationPlan, IntensityBenchmark, LoadFactorBand, PowerBenchmark

    return {
        "plan_x": AllocationPlan.objects.create(year=2025, power_basis="generated", source="matrix"),
        "benchmark_x": PowerBenchmark.objects.create(
            year=2025, unit_class="gas", power_benchmark=Decimal("0.3288"),
            heat_benchmark=Decimal("0.0533"), source="matrix",
        ),
        "band_x": LoadFactorBand.objects.create(
            year=2025, correction=Decimal("1.0000"), source="matrix"
        ),
        "intensity_x": IntensityBenchmark.objects.create(
            year=2025, sector=f.sector("building_materials"), product="熟料", unit="t",
            intensity=Decimal("0.85"), source="matrix",
        ),
    }


def _allocation_ctx(enterprise, ent_user):
    """allowances: allocation_a (enterprise_a, 2025, notified, objection period open) and
    objection_x, a decided objection to it (ORM)."""
    from datetime import date, timedelta

    from allowances.models import Allocation, AllocationObjection, ComplianceCycle

    cycle, _ = ComplianceCycle.objects.get_or_create(year=2025, defaults={"name": "2025"})
    today = date.today()
    allocation = Allocation.objects.create(
        cycle=cycle, enterprise=enterprise, method="intensity", notified=100, status="notified",
        notified_on=today, objection_deadline=today + timedelta(days=30),
    )
    objection = AllocationObjection.objects.create(
        allocation=allocation, reasons="matrix", filed_by=ent_user, decision_due=today,
        status="dismissed", decision_note="matrix",
    )
    from django.core.files.base import ContentFile

    objection.file.save("proof.pdf", ContentFile(b"%PDF-objection"), save=True)
    return {"allocation_a": allocation, "objection_x": objection}


def _oversight_ctx(c):
    """oversight (ORM): inspector_x (the reviewer) and an expert, conflict_x; plan_draft; plan_pub,
    published, whose draw drew enterprise_a for the reviewer and the expert; inspection_a of
    enterprise_a by them (area_a), rectification pending, a finding with evidence_a."""
    from datetime import date, timedelta

    from django.core.files.base import ContentFile

    from oversight import models as m
    from oversight import rules

    admin, enterprise = c["bureau_admin"], c["enterprise_a"]
    reviewer = m.Inspector.objects.create(kind="bureau", user=c["bureau_reviewer"], name="审核员")
    expert = m.Inspector.objects.create(kind="expert", name="专家甲")
    conflict = m.ConflictDeclaration.objects.create(
        inspector=expert, target_kind="enterprise", enterprise=c["enterprise_b"], reason="亲属",
        declared_on=date(2026, 1, 5), recorded_by=admin,
    )
    plan_fields = dict(
        year=2026, targets="enterprises", legal_basis="第三十一条", start_date=date(2026, 4, 1),
        end_date=date(2026, 10, 31), listed_year=2025, enterprise_count=1, created_by=admin,
    )
    draft = m.InspectionPlan.objects.create(title="草稿计划", **plan_fields)
    plan = m.InspectionPlan.objects.create(title="2026年度抽查", **plan_fields)
    plan.inspectors.set([reviewer, expert])
    snapshot = rules.Snapshot(
        enterprises=(rules.PoolTarget("enterprise", enterprise.pk, enterprise.area_id),),
        inspectors=(rules.PoolInspector(reviewer.pk), rules.PoolInspector(expert.pk)),
        enterprise_quantity=rules.Quantity(count=1),
    )
    draw = m.PlanDraw.objects.create(plan=plan, number=1, seed=7, algorithm_version=1,
                                     snapshot=snapshot.to_json(), drawn_by=admin)
    target = m.DrawnTarget.objects.create(
        draw=draw, position=1, kind="enterprise", enterprise=enterprise, name=enterprise.name,
        uscc=enterprise.uscc, area=enterprise.area,
    )
    for position, inspector in enumerate((reviewer, expert), start=1):
        m.DrawnAssignment.objects.create(target=target, inspector=inspector, position=position)
    m.InspectionPlan.objects.filter(pk=plan.pk).update(status="published")
    inspection = m.Inspection.objects.create(
        plan=plan, drawn_target=target, trigger="plan", target_kind="enterprise",
        enterprise=enterprise, target_name=enterprise.name, area=enterprise.area,
        inspected_on=date(2026, 4, 10), status="rectifying", conclusion="rectify",
        conclusion_note="责令改正", created_by=admin,
    )
    for inspector in (reviewer, expert):
        m.InspectionInspector.objects.create(inspection=inspection, inspector=inspector)
    item = m.ChecklistItem.objects.filter(target_kind="enterprise").first()
    check = m.InspectionCheck.objects.create(inspection=inspection, item=item, point=item.text,
                                             result="problem", note="缺记录")
    finding = m.Finding.objects.create(inspection=inspection, check_result=check, text="缺记录",
                                       recorded_by=c["bureau_reviewer"])
    evidence = m.Evidence(inspection=inspection, finding=finding, original_name="scan.pdf",
                          sha256="0" * 64, uploaded_by=c["bureau_reviewer"])
    evidence.file.save("scan.pdf", ContentFile(b"%PDF-scan"), save=True)
    m.Rectification.objects.create(
        inspection=inspection, requirements="补记录", ordered_on=date(2026, 4, 10),
        working_days=10, deadline=date.today() + timedelta(days=30),
    )
    case_fields = dict(target_kind="enterprise", enterprise=enterprise, target_name=enterprise.name,
                       area=enterprise.area, year=2026, article="21", facts="未保存台账",
                       opened_by=admin)
    violation_open = m.ViolationCase.objects.create(trigger_note="数据异常", **case_fields)
    violation = m.ViolationCase.objects.create(
        inspection=inspection, status="decided", fine=100000, fine_low=50000, fine_high=500000,
        decision_number="卫环罚〔2026〕1号", decided_on=date(2026, 6, 1), decided_by=admin,
        **case_fields,
    )
    violation.decision_file.save("decision.pdf", ContentFile(b"%PDF-decision"), save=True)
    violation_evidence = m.CaseEvidence(case=violation, original_name="笔录.pdf", sha256="1" * 64,
                                        uploaded_by=admin)
    violation_evidence.file.save("record.pdf", ContentFile(b"%PDF-record"), save=True)
    return {"inspector_x": reviewer, "conflict_x": conflict, "plan_draft": draft,
            "plan_pub": plan, "inspection_a": inspection, "evidence_a": evidence,
            "violation_a": violation, "violation_open": violation_open,
            "violation_evidence_a": violation_evidence}


def _complaints_ctx(c):
    """complaints (ORM): complaint_x about enterprise_a, assigned to official_a, with the
    filer's identity and complaint_attachment_x."""
    from datetime import date

    from django.core.files.base import ContentFile

    from complaints import crypto
    from complaints.models import Attachment, Complaint, FilerIdentity

    enterprise = c["enterprise_a"]
    complaint = Complaint.objects.create(
        number="TS2026-00001", secret_hash="x", category="false_data", target_kind="enterprise",
        enterprise=enterprise, area=enterprise.area, description="数据造假",
        filed_at="2026-05-01T08:00:00Z", status="assigned", handler=c["official_a"],
        assigned_area=enterprise.area, assigned_on=date(2026, 5, 6), reply_working_days=15,
        reply_due=date(2026, 5, 27),
    )
    FilerIdentity.objects.create(complaint=complaint, name_encrypted=crypto.encrypt("举报人"))
    attachment = Attachment(complaint=complaint, label="附件1.pdf", sha256="2" * 64, size=12)
    attachment.file.save("a.pdf", ContentFile(b"%PDF-attach"), save=True)
    return {"complaint_x": complaint, "complaint_attachment_x": attachment}


def _credit_grading_ctx(c):
    """credit (ORM): 2024 final and 2025 provisional (window open) with enterprise_a's grade,
    an objection to its 2025 event and a repair application for its 2024 event."""
    from datetime import date

    from django.core.files.base import ContentFile

    from credit.choices import GradingStatus
    from credit.models import CreditObjection, RepairApplication
    from tests.credit import helpers as credit_h

    ent = c["enterprise_a"]
    credit_h.rule_set(2024)
    event_a24 = credit_h.event(ent, year=2024, summary="2024年报逾期")
    final, _ = credit_h.frozen_year(2024, subjects=[ent], status=GradingStatus.FINAL)
    event_a = credit_h.event(ent, year=2025)
    year_a, grades = credit_h.frozen_year(2025, subjects=[ent], until=date(2099, 1, 1))
    objection = CreditObjection(grade=grades[ent], event=event_a, reasons="有误",
                                filed_by=c["ent_a"], decision_due=date(2099, 1, 15))
    objection.file.save("o.pdf", ContentFile(b"%PDF-objection"), save=True)
    repair = RepairApplication(event=event_a24, reasons="已整改", filed_by=c["ent_a"])
    repair.file.save("r.pdf", ContentFile(b"%PDF-repair"), save=True)
    return {"credit_year_a": year_a, "credit_year_final": final, "grade_a": grades[ent],
            "credit_event_a": event_a, "credit_event_a24": event_a24, "objection_a": objection,
            "repair_a": repair}


def _credit_events_ctx(c):
    """credit events (ORM): credit_event_manual, enterprise_a's manual event confirmed by the
    reviewer, with its evidence file; credit_event_pending, awaiting a second admin."""
    from datetime import date

    from django.core.files.base import ContentFile

    from credit.models import CreditEvent

    fields = dict(subject_kind="enterprise", enterprise=c["enterprise_a"], year=2025,
                  kind="manual_deduction", occurred_on=date(2025, 8, 1), summary="拒绝检查",
                  evidence="笔录", origin="manual", recorded_by=c["bureau_admin"])
    event = CreditEvent(status="active", confirmed_by=c["bureau_reviewer"], **fields)
    event.evidence_file.save("e.pdf", ContentFile(b"%PDF-evidence"), save=True)
    pending = CreditEvent.objects.create(status="pending", **fields)
    return {"credit_event_manual": event, "credit_event_pending": pending}


@pytest.fixture
def ctx(personas, enterprise_a, enterprise_b, agency_a, bureau_admin):
    facility = f.FacilityFactory(enterprise=enterprise_a)
    record = f.EmissionRecordFactory(enterprise=enterprise_a, year=2024)
    published = KeyEmitterList.objects.create(year=2025, basis_year=2024, drafted_by=bureau_admin)
    KeyEmitterListEntry.objects.create(
        key_list=published,
        enterprise=enterprise_a,
        change="added",
        reason="emissions",
        emissions_tco2e=Decimal("30000"),
        enterprise_name=enterprise_a.name,
        uscc=enterprise_a.uscc,
        area=enterprise_a.area,
        sector=enterprise_a.sector,
    )
    KeyEmitterList.objects.filter(pk=published.pk).update(status="published")
    draft = KeyEmitterList.objects.create(year=2026, basis_year=2025, drafted_by=bureau_admin)
    application = RegistrationRequest.objects.create(
        uscc=enterprise_a.uscc,
        enterprise_name=enterprise_a.name,
        enterprise=enterprise_a,
        applicant_name="王五",
        phone="13900000000",
        email="wang@example.com",
        username="wangwu",
        password_hash=make_password("Secret-2026!"),
    )
    c = {
        **personas,
        "enterprise_a": enterprise_a,
        "enterprise_b": enterprise_b,
        "facility_a": facility,
        "record_a": record,
        "published": published,
        "draft": draft,
        "application": application,
        "agency_a": agency_a,
        "qualification_a": f.AgencyQualificationFactory(agency=agency_a),
        "staff_a": f.VerifierStaffFactory(agency=agency_a),
        "membership_a": personas["ent_a"].memberships.get(),
        "notification_a": Notification.objects.create(
            recipient=personas["ent_a"], key="matrix", subject="matrix"
        ),
        # --- e-mail: a dead letter of ent_a's notice ---
        "mail_failure_x": MailFailure.objects.create(
            kind="notification", recipient=personas["ent_a"], address="ent_a@example.com",
            subject="matrix", error="SMTPServerDisconnected", attempts=6,
            failed_at=timezone.now(),
        ),
        # --- reporting: factor tables ---
        **_factors_ctx(),
        # --- reporting: verification ---
        **_verify_ctx(enterprise_a, agency_a, personas["ent_a"], personas["agency_a_staff"]),
        # --- reporting: annual reports ---
        **_report_ctx(enterprise_a, personas["ent_a"]),
        # --- reporting: monthly ledgers ---
        "ledger_a": f.ledger_make(facility, year=2025, month=1),
    }
    # --- reporting: checked file downloads ---
    c.update(_files_ctx(c))
    # --- allowances: compliance cycles and accounts ---
    c.update(_cycles_accounts_ctx(enterprise_a))
    # --- allowances: surrender and compliance ---
    c.update(_surrender_ctx(enterprise_a, personas["ent_a"]))
    # --- allowances: penalties and prices ---
    c.update(_penalty_ctx(enterprise_a, bureau_admin))
    # --- allowances: allocation ---
    c.update(_allocation_ctx(enterprise_a, personas["ent_a"]))
    # --- allowances: registry statements, transfers, ledger entries ---
    c.update(_statements_ctx(enterprise_a, bureau_admin))
    # --- allowances: allocation parameters ---
    c.update(_parameters_ctx())
    # --- accounts: passwords and login lockouts ---
    c.update(_security_ctx(personas["ent_b"]))
    # --- oversight ---
    c.update(_oversight_ctx(c))
    # --- complaints ---
    c.update(_complaints_ctx(c))
    # --- credit: years, grades, objections, repairs ---
    c.update(_credit_grading_ctx(c))
    # --- credit events ---
    c.update(_credit_events_ctx(c))
    # --- programme: departments ---
    c.update(_departments_ctx(c))
    # --- end programme: departments ---
    # --- programme: tasks ---
    c.update(_programme_tasks_ctx(c))
    # --- end programme: tasks ---
    # --- programme: targets ---
    c.update(_targets_ctx(c))
    # --- end programme: targets ---
    # --- programme: ccer ---
    c.update(_ccer_ctx(c))
    # --- end programme: ccer ---
    # --- programme: finance ---
    c.update(_finance_ctx(personas, enterprise_a))
    # --- end programme: finance ---
    # --- programme: training ---
    c.update(_training_ctx(c))
    # --- end programme: training ---
    return c


# Reform programme (programme/): each topic's rules and its context builder in its section.
# --- programme: departments (department_a: development-reform, liaison_a's, holding the
# ``training`` grant; a liaison reaches only his own department: 404 for the other) ---
DEPARTMENT_LIST = rule(DENIED, bureau_admin=OK, bureau_reviewer=OK, liaison_a=OK, liaison_b=OK,
                       anonymous=LOGIN)
DEPARTMENT_A = rule(DENIED, bureau_admin=OK, bureau_reviewer=OK, liaison_a=OK,
                    liaison_b=NOT_FOUND, anonymous=LOGIN)


def _departments_ctx(c):
    department = c["liaison_a"].memberships.get().department
    return {"department_a": department,
            "grant_a": f.grant(department, "training", by=c["bureau_admin"])}


RULES |= {
    "programme:department_list": (NO_ARGS, DEPARTMENT_LIST),
    "programme:department_export": (NO_ARGS, DEPARTMENT_LIST),
    "programme:department_create": (NO_ARGS, ADMIN_ONLY),
    "programme:department_detail": (_k(pk=_obj("department_a")), DEPARTMENT_A),
    "programme:department_edit": (_k(pk=_obj("department_a")), ADMIN_ONLY),
    "programme:grant_give": (_k(pk=_obj("department_a")), ADMIN_ONLY),
    "programme:grant_revoke": (_k(pk=_obj("grant_a")), ADMIN_ONLY),
}
# --- end programme: departments ---
# --- programme: tasks ---
def _programme_tasks_ctx(c):
    """programme task 1 (in progress, reports from 2025): area_a (沙坡头区) leads, department_a
    (development-reform) supports; area_a's report of 2025 Q1 submitted (with a file), of
    2025 Q2 a draft (with a file); a milestone not done."""
    from datetime import date

    from django.core.files.base import ContentFile

    from programme.models import ProgrammeTask, ProgressReport, ReportAttachment, TaskMilestone

    task = ProgrammeTask.objects.create(number=1, title="重点排放单位分类管理", status="in_progress",
                                        reports_from=date(2025, 1, 1), created_by=c["bureau_admin"])
    unit_a = task.units.create(role="lead", area=c["enterprise_a"].area, position=1)
    task.units.create(role="supporting", department=c["liaison_a"].memberships.get().department,
                      position=101)
    milestone = TaskMilestone.objects.create(task=task, title="名录报送", due_date=date(2025, 6, 30))
    report = ProgressReport.objects.create(unit=unit_a, year=2025, period=1, status="submitted",
                                           text="进展", created_by=c["official_a"])
    draft = ProgressReport.objects.create(unit=unit_a, year=2025, period=2, text="草稿",
                                          created_by=c["official_a"])
    files = []
    for owner in (report, draft):
        attachment = ReportAttachment(report=owner, original_name="a.pdf", sha256="0" * 64,
                                      uploaded_by=c["official_a"])
        attachment.file.save("a.pdf", ContentFile(b"%PDF-1.4 progress"), save=True)
        files.append(attachment)
    return {"ptask": task, "punit_a": unit_a, "pmilestone": milestone, "preport": report,
            "preport_draft": draft, "pfile": files[0], "pfile_draft": files[1]}


# any role of the programme (the bureau, officials, liaisons); enterprises and agencies: 403
PROGRAMME_ANY = rule(DENIED, bureau_admin=OK, bureau_reviewer=OK, official_a=OK, official_b=OK,
                     liaison_a=OK, liaison_b=OK, anonymous=LOGIN)
# task 1: the bureau; the official and liaison of its units; the others' 404
PTASK = rule(DENIED, bureau_admin=OK, bureau_reviewer=OK, official_a=OK, official_b=NOT_FOUND,
             liaison_a=OK, liaison_b=NOT_FOUND, anonymous=LOGIN)
# area_a's submitted report: the bureau and area_a's official (a report is its unit's own)
PREPORT = rule(DENIED, bureau_admin=OK, bureau_reviewer=OK, official_a=OK, official_b=NOT_FOUND,
               liaison_a=NOT_FOUND, liaison_b=NOT_FOUND, anonymous=LOGIN)
# area_a's draft: its official only (the bureau sees no other unit's draft)
PREPORT_DRAFT = rule(DENIED, bureau_admin=NOT_FOUND, bureau_reviewer=NOT_FOUND, official_a=OK,
                     official_b=NOT_FOUND, liaison_a=NOT_FOUND, liaison_b=NOT_FOUND,
                     anonymous=LOGIN)
# writing area_a's report of a quarter: its official; the bureau may read the unit, not file
PREPORT_WRITE = rule(DENIED, official_a=OK, official_b=NOT_FOUND, liaison_a=NOT_FOUND,
                     liaison_b=NOT_FOUND, anonymous=LOGIN)
_PT = _k(pk=_obj("ptask"))
RULES |= {
    "programme:task_list": (NO_ARGS, PROGRAMME_ANY),
    "programme:task_export": (NO_ARGS, PROGRAMME_ANY),
    "programme:task_mine": (NO_ARGS, PROGRAMME_ANY),
    "programme:task_summary": (NO_ARGS, PROGRAMME_ANY),
    "programme:task_summary_export": (NO_ARGS, PROGRAMME_ANY),
    "programme:task_create": (NO_ARGS, ADMIN_ONLY),
    "programme:task_detail": (_PT, PTASK),
    "programme:task_edit": (_PT, ADMIN_ONLY),
    "programme:task_unit_add": (_PT, ADMIN_ONLY),
    "programme:task_item_add": (_PT, ADMIN_ONLY),
    "programme:task_milestone_add": (_PT, ADMIN_ONLY),
    "programme:task_milestone_done": (_k(pk=_obj("pmilestone")), ADMIN_ONLY),
    "programme:task_start": (_PT, ADMIN_ONLY),
    "programme:task_close": (_PT, ADMIN_ONLY),
    "programme:task_reopen": (_PT, ADMIN_ONLY),
    "programme:report_list": (NO_ARGS, PROGRAMME_ANY),
    "programme:report_export": (NO_ARGS, PROGRAMME_ANY),
    "programme:report_write": (_k(unit=_obj("punit_a"), year=2025, period=3), PREPORT_WRITE),
    "programme:report_detail": (_k(pk=_obj("preport")), PREPORT),
    "programme:report_edit": (_k(pk=_obj("preport_draft")), PREPORT_DRAFT),
    "programme:report_submit": (_k(pk=_obj("preport_draft")), PREPORT_DRAFT),
    "programme:report_accept": (_k(pk=_obj("preport")), BUREAU),
    "programme:report_return": (_k(pk=_obj("preport")), BUREAU),
    "programme:report_attachment": (_k(pk=_obj("pfile")), PREPORT),
    "programme:report_attachment_remove": (_k(pk=_obj("pfile_draft")), PREPORT_DRAFT),
}
# --- end programme: tasks ---
# --- programme: targets ---
# The targets: the bureau, officials and liaisons read; entry is the bureau admin's and a
# liaison's whose unit holds the statistics_entry grant (liaison_a's has none: 403). Sector
# coverage: everyone but agencies reads (a liaison sees no enterprise); the bureau admin edits.
TARGETS_VIEW = rule(DENIED, bureau_admin=OK, bureau_reviewer=OK, official_a=OK, official_b=OK,
                    liaison_a=OK, liaison_b=OK, anonymous=LOGIN)
COVERAGE_VIEW = rule(OK, agency_a_staff=DENIED, agency_b_staff=DENIED, anonymous=LOGIN)
_YEAR = _k(year=_obj("statistic_x", "year"))
RULES |= {
    "programme:target_index": (NO_ARGS, TARGETS_VIEW),
    "programme:target_export": (NO_ARGS, TARGETS_VIEW),
    "programme:statistic_create": (NO_ARGS, ADMIN_ONLY),
    "programme:statistic_detail": (_YEAR, TARGETS_VIEW),
    "programme:statistic_revise": (_YEAR, ADMIN_ONLY),
    "programme:coverage": (NO_ARGS, COVERAGE_VIEW),
    "programme:coverage_export": (NO_ARGS, COVERAGE_VIEW),
    "programme:sector_entry_edit": (_k(pk=_obj("sector_x")), ADMIN_ONLY),
}


def _targets_ctx(c):
    from decimal import Decimal as D

    from programme.services import targets

    stat = targets.statistic_create(actor=c["bureau_admin"], data={
        "year": 2020, "gdp": D("431"), "gdp_source": "公报", "energy": D("1000"),
        "energy_source": "平衡表", "co2": D("2400"), "co2_source": "清单"})
    return {"statistic_x": stat, "sector_x": c["enterprise_a"].sector}
# --- end programme: targets ---
# --- programme: ccer ---
# ccer_a: a library project of enterprise_a in area_a (idea stage); department_a (liaison_a)
# holds the ccer_library grant, department_b (liaison_b) does not: 403
CCER_LIST = rule(OK, agency_a_staff=DENIED, agency_b_staff=DENIED, liaison_b=DENIED,
                 anonymous=LOGIN)
CCER_A = rule(DENIED, bureau_admin=OK, bureau_reviewer=OK, official_a=OK, official_b=NOT_FOUND,
              ent_a=OK, ent_b=NOT_FOUND, liaison_a=OK, anonymous=LOGIN)
CCER_PROPOSE = rule(DENIED, bureau_admin=OK, official_a=OK, official_b=OK, anonymous=LOGIN)


def _ccer_ctx(c):
    from programme.models import CCERLibraryProject

    f.grant(c["liaison_a"].memberships.get().department, "ccer_library", by=c["bureau_admin"])
    project = CCERLibraryProject.objects.create(
        code="ZW-CCER-901", name="矩阵光伏项目", owner_enterprise=c["enterprise_a"],
        area=c["enterprise_a"].area, project_type="solar", created_by=c["bureau_admin"])
    # a year's expected reductions (its history rows are checked by tests/core/test_display.py)
    reduction = project.reductions.create(year=2026, expected_tco2e=Decimal("1200.00"))
    return {"ccer_a": project, "ccer_reduction_a": reduction}


RULES |= {
    "programme:ccer_list": (NO_ARGS, CCER_LIST),
    "programme:ccer_export": (NO_ARGS, CCER_LIST),
    "programme:ccer_create": (NO_ARGS, CCER_PROPOSE),
    "programme:ccer_owner_lookup": (NO_ARGS, CCER_PROPOSE),
    "programme:ccer_import": (NO_ARGS, ADMIN_ONLY),
    "programme:ccer_import_template": (NO_ARGS, ADMIN_ONLY),
    "programme:ccer_detail": (_k(pk=_obj("ccer_a")), CCER_A),
    "programme:ccer_edit": (_k(pk=_obj("ccer_a")), ADMIN_ONLY),
    "programme:ccer_stage": (_k(pk=_obj("ccer_a")), ADMIN_ONLY),
    "programme:ccer_reduction": (_k(pk=_obj("ccer_a")), ADMIN_ONLY),
    "programme_public:ccer_list": (NO_ARGS, PUBLIC),
}
# --- end programme: ccer ---
# --- programme: finance (climate_a: enterprise_a's project, reviewed by department_a and
# pushed to department_b; climate_draft / climate_sub / climate_br: enterprise_a's projects
# in draft, submitted, bureau-reviewed; share_b: climate_a's push to department_b; pledge_a:
# enterprise_a's allowances pledged to department_b) ---
CLIMATE_LIST = rule(OK, agency_a_staff=DENIED, agency_b_staff=DENIED, anonymous=LOGIN)
CLIMATE_A = rule(DENIED, bureau_admin=OK, bureau_reviewer=OK, official_a=OK,
                 official_b=NOT_FOUND, ent_a=OK, ent_b=NOT_FOUND, liaison_a=OK, liaison_b=OK,
                 anonymous=LOGIN)
CLIMATE_PROPOSE = rule(DENIED, official_a=OK, official_b=OK, ent_a=OK, ent_b=OK,
                       anonymous=LOGIN)
CLIMATE_A_EDIT = rule(DENIED, official_a=OK, official_b=NOT_FOUND, ent_a=OK, ent_b=NOT_FOUND,
                      anonymous=LOGIN)
CLIMATE_REFORM = rule(DENIED, liaison_a=OK, liaison_b=NOT_FOUND, anonymous=LOGIN)
CLIMATE_RESPOND = rule(DENIED, liaison_a=NOT_FOUND, liaison_b=OK, anonymous=LOGIN)
PLEDGE_LIST = CLIMATE_LIST
PLEDGE_A = rule(DENIED, bureau_admin=OK, bureau_reviewer=OK, official_a=OK,
                official_b=NOT_FOUND, ent_a=OK, ent_b=NOT_FOUND, liaison_a=NOT_FOUND,
                liaison_b=OK, anonymous=LOGIN)

RULES |= {
    "programme:climate_project_list": (NO_ARGS, CLIMATE_LIST),
    "programme:climate_project_export": (NO_ARGS, CLIMATE_LIST),
    "programme:climate_project_new": (NO_ARGS, CLIMATE_PROPOSE),
    "programme:climate_project_detail": (_k(pk=_obj("climate_a")), CLIMATE_A),
    "programme:climate_attachment_download": (_k(pk=_obj("climate_att")), CLIMATE_A),
    "programme:climate_project_edit": (_k(pk=_obj("climate_draft")), CLIMATE_A_EDIT),
    "programme:climate_project_submit": (_k(pk=_obj("climate_draft")), CLIMATE_A_EDIT),
    "programme:climate_project_review": (_k(pk=_obj("climate_sub")), BUREAU),
    "programme:climate_project_reform_review": (_k(pk=_obj("climate_br")), CLIMATE_REFORM),
    "programme:climate_project_push": (_k(pk=_obj("climate_a")), BUREAU),
    "programme:climate_share_respond": (_k(pk=_obj("share_b")), CLIMATE_RESPOND),
    "allowances:pledge_list": (NO_ARGS, PLEDGE_LIST),
    "allowances:pledge_export": (NO_ARGS, PLEDGE_LIST),
    "allowances:pledge_new": (NO_ARGS, ADMIN_ONLY),
    "allowances:pledge_detail": (_k(pk=_obj("pledge_a")), PLEDGE_A),
    "allowances:pledge_release": (_k(pk=_obj("pledge_a")), ADMIN_ONLY),
}


def _finance_ctx(personas, enterprise):
    """Through the services: grants of the climate-finance library to department_a and
    department_b, enterprise_a's projects in four states, one pushed to department_b with an
    attachment; a pledge of enterprise_a's allowances (its account holds 10 t) to
    department_b."""
    from datetime import date

    from django.core.files.uploadedfile import SimpleUploadedFile

    from allowances.services import ledger
    from allowances.services import pledges as pledge_svc
    from programme.models import ReviewDecision, ShareKind
    from programme.services import finance as fin

    admin, ent = personas["bureau_admin"], personas["ent_a"]
    dep_a = personas["liaison_a"].memberships.get().department
    dep_b = personas["liaison_b"].memberships.get().department
    for dep in (dep_a, dep_b):
        f.grant(dep, "climate_finance", by=admin)

    def make(title, files=()):
        return fin.climate_project_create(actor=ent, files=files, data={
            "title": title, "enterprise": enterprise, "category": "mitigation",
            "subtype": "efficiency", "total_investment": Decimal("100"),
            "financing_need": Decimal("80"), "annual_reduction": Decimal("50"),
            "description": "matrix",
        })

    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 matrix", content_type="application/pdf")
    climate_a = make("matrix pushed", files=[pdf])
    fin.climate_project_submit(actor=ent, project=climate_a)
    fin.climate_project_review(actor=admin, project=climate_a, decision=ReviewDecision.PASS)
    fin.climate_project_review(actor=personas["liaison_a"], project=climate_a,
                               decision=ReviewDecision.PASS)
    fin.climate_project_push(actor=admin, project=climate_a, banks=[dep_b])
    climate_sub = make("matrix submitted")
    fin.climate_project_submit(actor=ent, project=climate_sub)
    climate_br = make("matrix bureau-reviewed")
    fin.climate_project_submit(actor=ent, project=climate_br)
    fin.climate_project_review(actor=admin, project=climate_br, decision=ReviewDecision.PASS)
    pledge = pledge_svc.pledge_register(
        actor=admin, account=ledger.account_for(enterprise), pledgee=dep_b, quantity=5,
        contract_number="MATRIX-1", loan_amount=Decimal("10"), start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
    )
    return {
        "climate_a": climate_a, "climate_draft": make("matrix draft"),
        "climate_sub": climate_sub, "climate_br": climate_br,
        "climate_att": climate_a.attachments.get(),
        "share_b": climate_a.shares.get(kind=ShareKind.PUSH), "pledge_a": pledge,
    }
# --- end programme: finance ---
# --- programme: training (training_x: a bureau session attended by enterprise_a's staff, with
# a material; liaison_a's department holds the ``training`` grant, liaison_b's does not) ---
TRAINING_LIST = rule(OK, agency_a_staff=DENIED, agency_b_staff=DENIED, anonymous=LOGIN)
TRAINING_X = rule(OK, official_b=NOT_FOUND, ent_b=NOT_FOUND, liaison_b=NOT_FOUND,
                  agency_a_staff=DENIED, agency_b_staff=DENIED, anonymous=LOGIN)


def _training_ctx(c):
    from datetime import date
    from decimal import Decimal

    from django.core.files.base import ContentFile

    from programme.models import TrainingAttendance, TrainingMaterial, TrainingSession

    session = TrainingSession.objects.create(
        title="数据质量培训", held_on=date(2025, 4, 17), place="会议室", topic="台账",
        hours=Decimal("6.0"), created_by=c["bureau_admin"])
    attendance = TrainingAttendance.objects.create(session=session, enterprise=c["enterprise_a"],
                                                   person_name="马建国", position="部长")
    material = TrainingMaterial(session=session, original_name="slides.pdf", sha256="0" * 64,
                                uploaded_by=c["bureau_admin"])
    material.file.save("slides.pdf", ContentFile(b"%PDF-slides"), save=True)
    return {"training_x": session, "attendance_x": attendance, "material_x": material}


RULES |= {
    "programme:training_list": (NO_ARGS, TRAINING_LIST),
    "programme:training_export": (NO_ARGS, TRAINING_LIST),
    "programme:training_create": (NO_ARGS, ADMIN_ONLY),
    "programme:training_import_template": (NO_ARGS, ADMIN_ONLY),
    "programme:training_detail": (_k(pk=_obj("training_x")), TRAINING_X),
    "programme:training_attendee_export": (_k(pk=_obj("training_x")), TRAINING_X),
    "programme:training_material_file": (_k(pk=_obj("material_x")), TRAINING_X),
    "programme:training_edit": (_k(pk=_obj("training_x")), ADMIN_ONLY),
    "programme:training_attendee_add": (_k(pk=_obj("training_x")), ADMIN_ONLY),
    "programme:training_import": (_k(pk=_obj("training_x")), ADMIN_ONLY),
    "programme:training_material_add": (_k(pk=_obj("training_x")), ADMIN_ONLY),
    "programme:training_attendee_remove": (_k(pk=_obj("attendance_x")), ADMIN_ONLY),
}
# --- end programme: training ---


def outcome(response) -> object:
    if response.status_code in (301, 302) and "/accounts/login/" in response.get("Location", ""):
        return LOGIN
    if response.status_code in (200, 302, 405):
        return OK
    return response.status_code


def _cases():
    for name, (_, expected) in sorted(RULES.items()):
        if expected is not None:
            yield pytest.param(name, id=name)


# (+ django-axes' failed log-ins: a refused unlock must not delete them)
PORTAL_APPS = {
    "accounts", "registry", "verifiers", "reporting", "allowances", "oversight", "complaints",
    "credit", "programme", "core", "axes",
}


def _row_counts() -> dict[str, int]:
    from django.apps import apps

    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label in PORTAL_APPS and not m._meta.proxy
        # logging a persona in stamps last_login, which simple-history records
        and m._meta.label != "accounts.HistoricalUser"
    }


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(_cases()))
def test_url_matrix(name, ctx):
    build, expected = RULES[name]
    url = reverse(name, kwargs=build(ctx))
    got = {}
    for persona in PERSONAS:
        response = client_for(ctx[persona]).get(url)
        got[persona] = outcome(response)
    assert got == expected, f"GET {url}"

    # Refused personas are refused for POST too, and nothing is written: no row of any of
    # the portal's tables (and their history) appears or disappears.
    rows_before = _row_counts()
    for persona in PERSONAS:
        if expected[persona] == OK:
            continue
        response = client_for(ctx[persona]).post(url, {})
        refused = response.status_code == 405 or outcome(response) == expected[persona]
        assert refused, f"POST {url} as {persona}: {response.status_code}"
    assert _row_counts() == rows_before


# --- credit: an agency's score card (the URL's other subject kind) ---
@pytest.mark.django_db
def test_credit_agency_card(ctx):
    build, expected = CARD_RULES["agency"]
    url = reverse("credit:card", kwargs=build(ctx))
    got = {p: outcome(client_for(ctx[p]).get(url)) for p in PERSONAS}
    assert got == expected, f"GET {url}"
# --- end credit: an agency's score card ---
