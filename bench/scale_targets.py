"""What ``bench/scale.py`` measures: every list page, form page with city-wide choices, export,
dashboard-like page and API list of the URL conf, found by walking it, and a bare DRF list
view beside each API list (same model, a ``ModelSerializer`` of all fields, the same
pagination) to compare against.

A URL without arguments (or with only a ``year``) is a target unless ``EXCLUDED`` says why not;
``tests/core/test_scale_bench.py`` fails when a new one is neither, so a new list page is
benched from the day it exists. Record pages (a ``pk`` in the URL) are not targets: they show
one record, whatever the size of the city.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, path, resolve, reverse

# the seed's years: the draft list (grows with the city) and the cycle under way
DRAFT_LIST_YEAR, PUBLISHED_LIST_YEAR, CYCLE_YEAR = 2026, 2025, 2025
YEAR_KWARGS = {
    "registry:list_detail": DRAFT_LIST_YEAR,
    "registry:list_export": DRAFT_LIST_YEAR,
    "public:list_detail": PUBLISHED_LIST_YEAR,
    "public:list_export": PUBLISHED_LIST_YEAR,
    "allowances:cycle_detail": CYCLE_YEAR,
    "allowances:allocation_template": CYCLE_YEAR,
    "api:key-emitter-list-entry-list": DRAFT_LIST_YEAR,
}

_POST = "POST only (an action)"
_STATIC = "a fixed page or download, the same at any size"
_AUTH = "login, password and registration pages"
_OTHER_ROLE = "a form of another role (enterprise or agency user), not the bureau's"
_REFERENCE = "a form of reference data: none of its choices spans the enterprises"
EXCLUDED = {
    "home": "redirects to the enterprise list (benched)",
    "healthz": _STATIC, "favicon": _STATIC, "set_language": _POST,
    "notifications_read_all": _POST,
    "accounts:login": _AUTH, "accounts:logout": _AUTH, "accounts:password_change": _AUTH,
    "accounts:password_change_done": _AUTH, "accounts:password_reset": _AUTH,
    "accounts:password_reset_done": _AUTH, "accounts:password_reset_complete": _AUTH,
    "public:register": _AUTH, "public:register_done": _AUTH,
    "registry:list_draft": _POST, "registry:list_publish": _POST,
    "registry:import_confirm": _POST, "registry:import_template": _STATIC,
    "reporting:ledger_template": _OTHER_ROLE, "reporting:ledger_upload": _OTHER_ROLE,
    "reporting:ledger_new": _OTHER_ROLE, "reporting:report_start": _OTHER_ROLE,
    "reporting:declaration_add": _OTHER_ROLE, "reporting:declaration_list": _OTHER_ROLE,
    "allowances:penalty_open": "opened from one short row of the penalty list (one enterprise)", "allowances:surrender_new": _OTHER_ROLE,
    "allowances:statement_template": _STATIC,
    "allowances:allocation_import": "an upload form, the same at any size",
    "allowances:allocation_recheck": _POST, "allowances:allocation_notify": _POST,
    "allowances:allocation_issue_all": _POST,
    "allowances:cycle_edit": "the cycle's own form", "allowances:milestone_create": "the cycle's own form",
    "registry:enterprise_create": _REFERENCE, "registry:import": "an upload form",
    "verifiers:agency_create": _REFERENCE, "allowances:cycle_create": _REFERENCE,
    "allowances:plan_create": _REFERENCE, "allowances:benchmark_create": _REFERENCE,
    "allowances:band_create": _REFERENCE, "allowances:intensity_create": _REFERENCE,
    "reporting:fuel_create": _REFERENCE, "reporting:emission_factor_create": _REFERENCE,
    "reporting:applicability_create": _REFERENCE, "reporting:reporting_year_create": _REFERENCE,
    "reporting:calendar_create": _REFERENCE,
    "api:root": _STATIC, "api-schema": "the OpenAPI document, the same at any size",
    "api-docs": _STATIC, "api-redoc": _STATIC,
    "api:compliance-summary": "the rates: one aggregate by area and sector, its query count "
    "pinned constant in N by tests/allowances/test_scale_reads.py",
    "api:agency-performance-list": "the league: one row per agency (a handful, whatever the "
    "city's size) from three grouped queries, pinned constant by tests/oversight/"
    "test_performance.py; no model rows for a bare list; its page (oversight:performance) is "
    "benched",
}
# A second look at some targets with a query: the closed cycle 2024, whose short rows exist.
VARIANTS = [
    ("allowances:penalty_list", "cycle=2024"),
    ("allowances:compliance", "cycle=2024"),
    ("api:compliance-list", "cycle=2024"),
]
# Pages a county / park official reads over their own area (measured for them too).
COUNTY_SCOPED = {
    "registry:enterprise_list", "registry:enterprise_export", "reporting:ledger_index",
    "reporting:ledger_grid_export", "reporting:report_list", "reporting:report_export",
    "allowances:account_list", "allowances:account_export", "allowances:surrender_list",
    "allowances:surrender_export", "allowances:compliance", "allowances:compliance_export",
    "allowances:allocation_list", "allowances:allocation_export", "allowances:penalty_list",
    "allowances:penalty_export", "api:enterprise-list", "api:facility-list",
    "api:emission-record-list", "api:ledger-list", "api:report-list",
    "api:allowance-account-list", "api:surrender-list", "api:compliance-list",
    "api:allocation-list",
}
# Pages that read every row on purpose (no goal on their time); the reason is printed.
WHOLE_BY_DESIGN = {
    "audit_trail": "re-checks every row of the hash chains: a full check by design",
}
# API lists whose view has no queryset of its own: the model of its rows.
ROW_MODEL = {"api:compliance-list": "registry.Enterprise"}


def _compliance_rows(request):
    """The compliance table's rows with their figures, as the API computes them (the cycle
    of ``?cycle=``, else the latest), in its default order; unscoped like every bare view."""
    from allowances.selectors import compliance, compliance_sql
    from registry.models import Enterprise

    cycle = compliance.cycle_from(request.query_params.get("cycle"))
    return compliance_sql.rows(Enterprise.objects.all(), cycle).order_by(
        *compliance.DEFAULT_ORDER, "pk"
    )


# API lists whose rows are computed, not a model's columns: their bare view lists the same
# computed queryset (``name -> function(request) -> queryset``) with the plain serializer of
# the model, so the ratio measures what the API adds (scoping, its serializer, pagination),
# not the computation every row needs. A bare list of the model's columns skips it: for the
# compliance list, the per-row subqueries of obligation, surrendered (CEA, CCER) and the day
# met, and the sort over the published list; that, and building that query (≈7 ms, the same
# at any size), made the API ×3–4 "the bare list" at 5,000 enterprises (issue 11), while its
# own growth from 40 to 5,000 enterprises is ×1.3 and its count already leaves the figures
# out (Django drops unused annotations from ``count()``).
COMPUTED_ROWS = {"api:compliance-list": _compliance_rows}
# names whose page is a form (its choices may span the city) rather than a list
FORM_SUFFIXES = ("_create", "_new", "_add", "_open")


@dataclass(frozen=True)
class Target:
    kind: str  # "page", "form", "export" or "api"
    name: str  # URL name, namespace:name
    kwargs: tuple = ()  # ((key, value),)
    query: str = ""

    @property
    def url(self) -> str:
        url = reverse(self.name, kwargs=dict(self.kwargs))
        return f"{url}?{self.query}" if self.query else url

    @property
    def path(self) -> str:
        return reverse(self.name, kwargs=dict(self.kwargs))

    @property
    def county(self) -> bool:
        return self.name in COUNTY_SCOPED

    @property
    def label(self) -> str:
        args = ",".join(str(v) for _k, v in self.kwargs)
        label = f"{self.name}({args})" if args else self.name
        return f"{label}?{self.query}" if self.query else label


def url_names() -> list[tuple[str, tuple[str, ...]]]:
    """(namespace:name, its URL arguments) of every named URL (the admin left out)."""
    found = []

    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, namespace + (f"{p.namespace}:" if p.namespace else ""))
            elif isinstance(p, URLPattern) and p.name:
                found.append((namespace + p.name, tuple(p.pattern.regex.groupindex)))

    walk(get_resolver().url_patterns)
    return [(n, a) for n, a in found if not n.startswith(("admin:", "bench-"))]


def kind_of(name: str) -> str:
    if name.startswith("api:"):
        return "api"
    if name.endswith("export") or name.endswith("_template"):
        return "export"
    if name.endswith(FORM_SUFFIXES):
        return "form"
    return "page"


def targets() -> list[Target]:
    """Every benched URL, pages first, then forms, exports and API lists."""
    out = []
    seen = set()
    for name, args in url_names():
        if name in EXCLUDED or name in seen:
            continue
        if args and not (set(args) == {"year"} and name in YEAR_KWARGS):
            continue
        if name.startswith("api:") and not name.endswith("-list"):
            continue
        seen.add(name)
        kwargs = (("year", YEAR_KWARGS[name]),) if args else ()
        out.append(Target(kind_of(name), name, kwargs))
    out += [Target(kind_of(name), name, (), query) for name, query in VARIANTS if name in seen]
    order = {"page": 0, "form": 1, "export": 2, "api": 3}
    return sorted(out, key=lambda t: (order[t.kind], t.name, t.query))


def unclassified() -> list[str]:
    """URL names without arguments that are neither benched nor excluded (must stay empty)."""
    benched = {t.name for t in targets()}
    return [n for n, args in url_names() if not args and n not in benched and n not in EXCLUDED]


# --- bare DRF views beside the API lists --------------------------------------------------


def api_view_class(target: Target):
    return resolve(target.path).func.cls


def row_model(target: Target):
    from django.apps import apps

    if target.name in ROW_MODEL:
        return apps.get_model(ROW_MODEL[target.name])
    return api_view_class(target).queryset.model


def bare_view(target: Target):
    """A plain ``ListAPIView`` over the model of the target's rows: all rows of the model in
    its default order (a computed list: its rows, ``COMPUTED_ROWS``), a ``ModelSerializer``
    of all fields, the target's pagination."""
    from rest_framework import generics, serializers
    from rest_framework.renderers import JSONRenderer
    from rest_framework.settings import api_settings

    model = row_model(target)
    meta = type("Meta", (), {"model": model, "fields": "__all__"})
    serializer = type(f"Bare{model.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta})
    pagination = getattr(api_view_class(target), "pagination_class", None) or api_settings.DEFAULT_PAGINATION_CLASS
    attrs = {
        "queryset": model._default_manager.all(),
        "serializer_class": serializer,
        "pagination_class": pagination,
        "renderer_classes": [JSONRenderer],
        "filter_backends": [],
    }
    computed = COMPUTED_ROWS.get(target.name)
    if computed is not None:
        attrs["get_queryset"] = lambda self: computed(self.request)
    view = type(f"Bare{model.__name__}List", (generics.ListAPIView,), attrs)
    return view.as_view()


def bare_patterns(api_targets: list[Target]) -> list:
    """URL patterns of the bare views (``/bench-bare/<name>/``), named ``bench-bare-<name>``;
    one per API list (a variant with a query shares it)."""
    first = {t.name: t for t in reversed(api_targets)}
    return [
        path(f"bench-bare/{t.name.split(':')[1]}/", bare_view(t), name=f"bench-bare-{t.name.split(':')[1]}")
        for t in first.values()
    ]


def bare_url(target: Target) -> str:
    """The bare view of ``target``; a computed list's with the target's query (its cycle)."""
    url = reverse(f"bench-bare-{target.name.split(':')[1]}")
    return f"{url}?{target.query}" if target.query and target.name in COMPUTED_ROWS else url
