"""Allowance pages. Each block belongs to one views module."""

from django.urls import path  # noqa: F401  (blocks below add paths)

app_name = "allowances"

urlpatterns = []

# --- compliance cycles and milestones (allowances/views/cycles.py) ---
from allowances.views import cycles as cycle_views  # noqa: E402

urlpatterns += [
    path("cycles/", cycle_views.cycle_list, name="cycle_list"),
    path("cycles/new/", cycle_views.cycle_create, name="cycle_create"),
    path("cycles/<int:year>/", cycle_views.cycle_detail, name="cycle_detail"),
    path("cycles/<int:year>/edit/", cycle_views.cycle_edit, name="cycle_edit"),
    path("cycles/<int:year>/milestones/new/", cycle_views.milestone_create, name="milestone_create"),
    path("milestones/<int:pk>/edit/", cycle_views.milestone_edit, name="milestone_edit"),
]
# --- end compliance cycles ---
# --- accounts, balances and ledger entries (allowances/views/accounts.py) ---
from allowances.views import accounts as account_views  # noqa: E402

urlpatterns += [
    path("accounts/", account_views.account_list, name="account_list"),
    path("accounts/export/", account_views.account_export, name="account_export"),
    path("accounts/<int:pk>/", account_views.account_detail, name="account_detail"),
    path(
        "accounts/<int:pk>/entries/export/",
        account_views.account_entries_export,
        name="account_entries_export",
    ),
]
# --- end accounts ---
# --- surrender requests, four eyes (allowances/views/surrender.py) ---
from allowances.views import surrender as surrender_views  # noqa: E402

urlpatterns += [
    path("surrenders/", surrender_views.surrender_list, name="surrender_list"),
    path("surrenders/export/", surrender_views.surrender_export, name="surrender_export"),
    path("surrenders/new/", surrender_views.surrender_new, name="surrender_new"),
    path("surrenders/<int:pk>/", surrender_views.surrender_detail, name="surrender_detail"),
    path("surrenders/<int:pk>/approve/", surrender_views.surrender_approve, name="surrender_approve"),
    path("surrenders/<int:pk>/confirm/", surrender_views.surrender_confirm, name="surrender_confirm"),
    path("surrenders/<int:pk>/reject/", surrender_views.surrender_reject, name="surrender_reject"),
    path(
        "surrenders/<int:pk>/withdraw/", surrender_views.surrender_withdraw, name="surrender_withdraw"
    ),
]
# --- end surrender requests ---
# --- compliance status and rates (allowances/views/compliance.py) ---
from allowances.views import compliance as compliance_views  # noqa: E402

urlpatterns += [
    path("compliance/", compliance_views.compliance, name="compliance"),
    path("compliance/export/", compliance_views.compliance_export, name="compliance_export"),
]
# --- end compliance ---
# --- penalties and prices (allowances/views/penalties.py) ---
from allowances.views import penalties as penalty_views  # noqa: E402

urlpatterns += [
    path("prices/", penalty_views.price_list, name="price_list"),
    path("prices/export/", penalty_views.price_export, name="price_export"),
    path("penalties/", penalty_views.penalty_list, name="penalty_list"),
    path("penalties/export/", penalty_views.penalty_export, name="penalty_export"),
    path("penalties/open/", penalty_views.penalty_open, name="penalty_open"),
    path("penalties/<int:pk>/", penalty_views.penalty_detail, name="penalty_detail"),
    path("penalties/<int:pk>/cut/", penalty_views.penalty_cut, name="penalty_cut"),
    path("penalties/<int:pk>/document/", penalty_views.penalty_document, name="penalty_document"),
]
# --- end penalties and prices ---
# --- allocation: notice import, check value, notice, objections, issue (allowances/views/allocation.py) ---
from allowances.views import allocation as allocation_views  # noqa: E402

urlpatterns += [
    path("allocations/", allocation_views.allocation_list, name="allocation_list"),
    path("allocations/export/", allocation_views.allocation_export, name="allocation_export"),
    path("allocations/<int:pk>/", allocation_views.allocation_detail, name="allocation_detail"),
    path("allocations/<int:pk>/object/", allocation_views.allocation_object, name="allocation_object"),
    path("allocations/<int:pk>/issue/", allocation_views.allocation_issue, name="allocation_issue"),
    path(
        "allocation-objections/<int:pk>/file/",
        allocation_views.objection_file,
        name="allocation_objection_file",
    ),
    path(
        "allocation-objections/<int:pk>/decide/",
        allocation_views.objection_decide,
        name="allocation_objection_decide",
    ),
    path(
        "cycles/<int:year>/allocations/template/",
        allocation_views.allocation_template,
        name="allocation_template",
    ),
    path(
        "cycles/<int:year>/allocations/import/",
        allocation_views.allocation_import,
        name="allocation_import",
    ),
    path(
        "cycles/<int:year>/allocations/recheck/",
        allocation_views.allocation_recheck,
        name="allocation_recheck",
    ),
    path(
        "cycles/<int:year>/allocations/notify/",
        allocation_views.allocation_notify,
        name="allocation_notify",
    ),
    path(
        "cycles/<int:year>/allocations/issue/",
        allocation_views.allocation_issue_all,
        name="allocation_issue_all",
    ),
]
# --- end allocation ---
# --- allocation parameters (allowances/views/parameters.py) ---
from allowances.views import parameters as parameter_views  # noqa: E402

urlpatterns += [
    path("parameters/", parameter_views.parameter_index, name="parameter_index"),
    path("parameters/plans/new/", parameter_views.plan_create, name="plan_create"),
    path("parameters/plans/export/", parameter_views.plan_export, name="plan_export"),
    path("parameters/plans/<int:pk>/edit/", parameter_views.plan_edit, name="plan_edit"),
    path("parameters/plans/<int:pk>/delete/", parameter_views.plan_delete, name="plan_delete"),
    path("parameters/benchmarks/new/", parameter_views.benchmark_create, name="benchmark_create"),
    path("parameters/benchmarks/export/", parameter_views.benchmark_export, name="benchmark_export"),
    path("parameters/benchmarks/<int:pk>/edit/", parameter_views.benchmark_edit, name="benchmark_edit"),
    path(
        "parameters/benchmarks/<int:pk>/delete/",
        parameter_views.benchmark_delete,
        name="benchmark_delete",
    ),
    path("parameters/bands/new/", parameter_views.band_create, name="band_create"),
    path("parameters/bands/export/", parameter_views.band_export, name="band_export"),
    path("parameters/bands/<int:pk>/edit/", parameter_views.band_edit, name="band_edit"),
    path("parameters/bands/<int:pk>/delete/", parameter_views.band_delete, name="band_delete"),
    path("parameters/intensities/new/", parameter_views.intensity_create, name="intensity_create"),
    path(
        "parameters/intensities/export/", parameter_views.intensity_export, name="intensity_export"
    ),
    path(
        "parameters/intensities/<int:pk>/edit/", parameter_views.intensity_edit, name="intensity_edit"
    ),
    path(
        "parameters/intensities/<int:pk>/delete/",
        parameter_views.intensity_delete,
        name="intensity_delete",
    ),
]
# --- end allocation parameters ---
# --- registry statements and reconciliation (allowances/views/statements.py) ---
from allowances.views import statements as statement_views  # noqa: E402

urlpatterns += [
    path("statements/", statement_views.statement_list, name="statement_list"),
    path("statements/template/", statement_views.statement_template, name="statement_template"),
    path("statements/<int:pk>/", statement_views.statement_detail, name="statement_detail"),
    path("statements/<int:pk>/export/", statement_views.statement_export, name="statement_export"),
    path("statements/<int:pk>/file/", statement_views.statement_download, name="statement_download"),
]
# --- end registry statements ---
# --- transfers and ledger entries (allowances/views/movements.py) ---
from allowances.views import movements as movement_views  # noqa: E402

urlpatterns += [
    path("transfers/new/", movement_views.transfer_new, name="transfer_new"),
    path("transfers/accounts/", movement_views.transfer_accounts, name="transfer_accounts"),
    path("entries/<int:pk>/", movement_views.entry_detail, name="entry_detail"),
    path("entries/<int:pk>/reverse/", movement_views.entry_reverse, name="entry_reverse"),
]
# --- end transfers and ledger entries ---
# --- allowance pledges (allowances/views/pledges.py) ---
from allowances.views import pledges as pledge_views  # noqa: E402

urlpatterns += [
    path("pledges/", pledge_views.pledge_list, name="pledge_list"),
    path("pledges/export/", pledge_views.pledge_export, name="pledge_export"),
    path("pledges/new/", pledge_views.pledge_new, name="pledge_new"),
    path("pledges/<int:pk>/", pledge_views.pledge_detail, name="pledge_detail"),
    path("pledges/<int:pk>/release/", pledge_views.pledge_release, name="pledge_release"),
]
# --- end allowance pledges ---
