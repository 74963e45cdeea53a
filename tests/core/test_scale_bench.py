"""The scale bench (``bench/scale.py``, issue 11 §9) is a report, run by hand: here only that
it imports, that its targets come from the URL conf and resolve, that no URL is left out
unexplained, and how it judges figures (no timing is measured or asserted here)."""

from django.urls import reverse

from bench import scale, scale_targets
from zhongwei_carbon.api_urls import collections


def test_every_target_resolves():
    targets = scale_targets.targets()
    assert {t.kind for t in targets} == {"page", "form", "export", "api"}
    for target in targets:
        assert target.url.startswith("/")
    names = {t.name for t in targets}
    assert {"allowances:compliance", "reporting:ledger_grid_export", "reporting:report_list",
            "allowances:account_list", "allowances:penalty_list"} <= names


def test_no_url_is_left_out_unexplained():
    assert scale_targets.unclassified() == []
    known = {name for name, _args in scale_targets.url_names()}
    assert set(scale_targets.EXCLUDED) <= known  # no stale exclusion
    assert scale_targets.COUNTY_SCOPED <= {t.name for t in scale_targets.targets()}


def test_every_api_collection_is_benched_beside_a_bare_view():
    api = [t for t in scale_targets.targets() if t.kind == "api"]
    # every collection is benched, or excluded with its reason (a computed list of a handful
    # of rows has no model for a bare view)
    benched = {name for _prefix, name in collections()} - set(scale_targets.EXCLUDED)
    assert benched <= {t.name for t in api}
    for target in api:
        assert scale_targets.row_model(target) is not None
        assert callable(scale_targets.bare_view(target))
    patterns = scale_targets.bare_patterns(api)
    assert len({p.name for p in patterns}) == len(patterns) == len({t.name for t in api})


def row(kind="page", name="registry:enterprise_list", **figures):
    small = scale.Figures(status=200, ms=figures.get("ms", (100, 100))[0],
                          queries=figures.get("queries", (10, 10))[0],
                          peak=figures.get("peak", (None, None))[0])
    big = scale.Figures(status=200, ms=figures.get("ms", (100, 100))[1],
                        queries=figures.get("queries", (10, 10))[1],
                        peak=figures.get("peak", (None, None))[1], bare_ms=figures.get("bare"))
    return scale.Row(scale_targets.Target(kind, name), scale.BUREAU, small, big)


def test_the_goals_of_the_issue():
    assert scale.verdicts(row()) == []
    assert scale.verdicts(row(ms=(100, 250))) == ["time ×2.5 with flat queries"]
    assert scale.verdicts(row(ms=(5, 15))) == []  # within the noise floor
    assert scale.verdicts(row(ms=(100, 900), queries=(10, 60))) == ["queries grow 10→60"]
    assert scale.verdicts(row("api", "api:enterprise-list", bare=50)) == ["×2.0 the bare DRF list"]
    assert scale.verdicts(row("api", "api:enterprise-list", bare=80)) == []
    mib = 2**20
    assert scale.verdicts(row("export", "registry:enterprise_export", ms=(10, 900),
                              peak=(mib, 1.5 * mib))) == []
    assert scale.verdicts(row("export", "registry:enterprise_export", peak=(mib, 9 * mib))) == [
        "peak memory ×9.0 (9.0 MiB)"]
    assert scale.verdicts(row("export", "reporting:ledger_grid_export", peak=(6 * mib, 11 * mib))) == [
        "ledger grid export 11.0 MiB ≥ 10 MiB"]
    assert scale.verdicts(row("page", "audit_trail", ms=(100, 900))) == []  # a full check by design


def test_the_bare_view_url_is_found_through_the_bench_urlconf(settings):
    from django.urls import clear_url_caches

    from bench import scale_urls

    api = [t for t in scale_targets.targets() if t.kind == "api"]
    saved = list(scale_urls.urlpatterns)
    scale_urls.urlpatterns[:0] = scale_targets.bare_patterns(api)
    settings.ROOT_URLCONF = "bench.scale_urls"
    clear_url_caches()
    try:
        assert scale_targets.bare_url(api[0]).startswith("/bench-bare/")
        assert reverse("registry:enterprise_list") == "/registry/enterprises/"
    finally:
        scale_urls.urlpatterns[:] = saved
        clear_url_caches()
