"""Reporting pages. Each block belongs to one views module."""

from django.urls import path  # noqa: F401  (blocks below add paths)

app_name = "reporting"

urlpatterns = []

# --- factor tables and holiday calendar (reporting/views/factors.py) ---
from reporting.views import calendar as calendar_views  # noqa: E402
from reporting.views import factors as factor_views  # noqa: E402

urlpatterns += [
    path("factors/", factor_views.factor_index, name="factor_index"),
    path("factors/export/", factor_views.factor_export, name="factor_export"),
    path("factors/fuels/new/", factor_views.fuel_create, name="fuel_create"),
    path("factors/fuels/<int:pk>/edit/", factor_views.fuel_edit, name="fuel_edit"),
    path("factors/fuels/<int:pk>/factors/new/", factor_views.fuel_factor_create, name="fuel_factor_create"),
    path("factors/fuel-factors/<int:pk>/edit/", factor_views.fuel_factor_edit, name="fuel_factor_edit"),
    path("factors/emission/new/", factor_views.emission_factor_create, name="emission_factor_create"),
    path("factors/emission/<int:pk>/edit/", factor_views.emission_factor_edit, name="emission_factor_edit"),
    path("factors/applicability/new/", factor_views.applicability_create, name="applicability_create"),
    path("factors/applicability/<int:pk>/edit/", factor_views.applicability_edit, name="applicability_edit"),
    path("factors/years/new/", factor_views.reporting_year_create, name="reporting_year_create"),
    path("factors/years/<int:pk>/edit/", factor_views.reporting_year_edit, name="reporting_year_edit"),
    path("calendar/", calendar_views.calendar_index, name="calendar_index"),
    path("calendar/new/", calendar_views.calendar_create, name="calendar_create"),
    path("calendar/<int:pk>/edit/", calendar_views.calendar_edit, name="calendar_edit"),
    path("calendar/<int:pk>/delete/", calendar_views.calendar_delete, name="calendar_delete"),
]
# --- monthly ledgers (reporting/views/ledgers.py) ---
from reporting.views import ledgers as ledger_views  # noqa: E402

urlpatterns += [
    path("ledgers/", ledger_views.ledger_index, name="ledger_index"),
    path("ledgers/export/", ledger_views.ledger_grid_export, name="ledger_grid_export"),
    path("ledgers/new/", ledger_views.ledger_new, name="ledger_new"),
    path("ledgers/template/", ledger_views.ledger_template, name="ledger_template"),
    path("ledgers/upload/", ledger_views.ledger_upload, name="ledger_upload"),
    path("ledgers/<int:pk>/", ledger_views.ledger_detail, name="ledger_detail"),
    path("ledgers/<int:pk>/edit/", ledger_views.ledger_edit, name="ledger_edit"),
    path("ledgers/<int:pk>/submit/", ledger_views.ledger_submit, name="ledger_submit"),
    path(
        "ledgers/<int:pk>/county-check/",
        ledger_views.ledger_county_check,
        name="ledger_county_check",
    ),
    path("ledgers/<int:pk>/close/", ledger_views.ledger_close, name="ledger_close"),
    path(
        "ledgers/<int:pk>/evidence/",
        ledger_views.ledger_evidence_upload,
        name="ledger_evidence_upload",
    ),
]
# --- end monthly ledgers ---
# --- annual reports: form, Excel, submit, county check (reporting/views/reports.py) ---
from reporting.views import reports as report_views  # noqa: E402

urlpatterns += [
    path("reports/", report_views.report_list, name="report_list"),
    path("reports/export/", report_views.report_export, name="report_export"),
    path("reports/start/", report_views.report_start, name="report_start"),
    path("reports/<int:pk>/", report_views.report_detail, name="report_detail"),
    path("reports/<int:pk>/versions/<int:number>/", report_views.report_version, name="report_version"),
    path("reports/<int:pk>/lines/add/", report_views.report_line_add, name="report_line_add"),
    path("reports/lines/<int:pk>/edit/", report_views.report_line_edit, name="report_line_edit"),
    path("reports/lines/<int:pk>/delete/", report_views.report_line_delete, name="report_line_delete"),
    path("reports/<int:pk>/totals/", report_views.report_totals, name="report_totals"),
    path("reports/<int:pk>/submit/", report_views.report_submit, name="report_submit"),
    path("reports/<int:pk>/county-check/", report_views.report_county_check, name="report_county_check"),
    path("reports/<int:pk>/revise/", report_views.report_revise, name="report_revise"),
    path("reports/<int:pk>/template/", report_views.report_template, name="report_template"),
    path("reports/<int:pk>/upload/", report_views.report_upload, name="report_upload"),
]
# --- end annual reports ---
# --- verification, re-check, findings, objections (reporting/views/verification.py) ---
from reporting.views import verification as verification_views  # noqa: E402

urlpatterns += [
    path("verification/", verification_views.verification_queue, name="verification_queue"),
    path("declarations/", verification_views.declaration_list, name="declaration_list"),
    path("declarations/add/", verification_views.declaration_add, name="declaration_add"),
    path(
        "reports/<int:pk>/verification/",
        verification_views.verification_detail,
        name="verification_detail",
    ),
    path(
        "reports/<int:pk>/verification/assign/",
        verification_views.verification_assign,
        name="verification_assign",
    ),
    path(
        "reports/<int:pk>/verification/findings/add/",
        verification_views.finding_add,
        name="finding_add",
    ),
    path("findings/<int:pk>/send/", verification_views.finding_send, name="finding_send"),
    path("findings/<int:pk>/answer/", verification_views.finding_answer, name="finding_answer"),
    path(
        "reports/<int:pk>/verification/file/",
        verification_views.verification_file,
        name="verification_file",
    ),
    path("reports/<int:pk>/verification/recheck/", verification_views.recheck, name="recheck"),
    path("reports/<int:pk>/objection/", verification_views.objection_file, name="objection_file"),
    path(
        "objections/<int:pk>/decide/", verification_views.objection_decide, name="objection_decide"
    ),
]
# --- end verification ---
# --- checked file downloads (reporting/views/files.py) ---
from reporting.views import files as file_views  # noqa: E402

urlpatterns += [
    path(
        "ledgers/<int:pk>/evidence/<int:evidence_pk>/",
        file_views.ledger_evidence_download,
        name="ledger_evidence_download",
    ),
    path(
        "reports/<int:pk>/versions/<int:number>/workbook/",
        file_views.report_version_workbook,
        name="report_version_workbook",
    ),
    path(
        "reports/<int:pk>/verification/<int:round_number>/report/",
        file_views.verification_report_download,
        name="verification_report_download",
    ),
    path(
        "reports/<int:pk>/objections/<int:objection_pk>/file/",
        file_views.objection_file_download,
        name="objection_file_download",
    ),
]
# --- end checked file downloads ---
