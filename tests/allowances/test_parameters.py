"""Allocation parameter tables (benchmarks, Ff bands, intensities): services with their
refusals, the selectors the allocation check reads, the pages and the exports.

Figures: DOMAIN.md's 2024 power benchmarks (coal ≥ 400 MW 0.7910, gas 0.3288 / 0.0533) and
made-up Ff bands [−∞, 0.75) 1.0150, [0.75, 0.85) 1.0070, [0.85, +∞) 1.0000."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from allowances.models import IntensityBenchmark, LoadFactorBand, PowerBenchmark
from allowances.selectors import parameters as sel
from allowances.services import parameters as svc
from tests import factories as f
from zhongwei_carbon.models import Event

pytestmark = pytest.mark.django_db
D = Decimal


def benchmark(admin, year=2024, unit_class="coal_large", be="0.7910", bh="0.1033", **extra):
    return svc.benchmark_create(actor=admin, data={
        "year": year, "unit_class": unit_class, "power_benchmark": D(be),
        "heat_benchmark": D(bh), "source": "国环规气候〔2024〕1号", **extra,
    })


def band(admin, lower, upper, ff, year=2025):
    return svc.band_create(actor=admin, data={
        "year": year, "lower": None if lower is None else D(lower),
        "upper": None if upper is None else D(upper), "correction": D(ff), "source": "plan",
    })


def intensity(admin, value="0.8500", product="熟料", year=2025):
    return svc.intensity_create(actor=admin, data={
        "year": year, "sector": f.sector("building_materials"), "product": product,
        "unit": "t", "intensity": D(value), "source": "演示值（非官方）",
    })


@pytest.fixture
def bands(bureau_admin):
    return [
        band(bureau_admin, None, "0.75", "1.0150"),
        band(bureau_admin, "0.75", "0.85", "1.0070"),
        band(bureau_admin, "0.85", None, "1.0000"),
    ]


def errors_of(exc) -> dict:
    return {k: [str(m) for m in v] for k, v in exc.value.message_dict.items()}


# --- services: create, update, delete ------------------------------------------------------------


def test_benchmark_create_update_with_event_and_history(bureau_admin):
    row = benchmark(bureau_admin)
    assert (row.year, row.unit_class, row.power_benchmark, row.heat_benchmark) == (
        2024, "coal_large", D("0.7910"), D("0.1033"))
    created = Event.objects.get(verb="allowances.power_benchmark_created")
    assert created.target_id == str(row.pk) and created.data["power_benchmark"] == "0.7910"
    assert row.history.count() == 1 and row.history.get().history_user == bureau_admin

    svc.benchmark_update(actor=bureau_admin, benchmark=row, data={"power_benchmark": D("0.7950")})
    row.refresh_from_db()
    assert row.power_benchmark == D("0.7950")
    updated = Event.objects.get(verb="allowances.power_benchmark_updated")
    assert updated.data == {"power_benchmark": {"old": "0.7910", "new": "0.7950"}}
    assert "0.7910 → 0.7950" in updated.message
    assert row.history.count() == 2

    # the same values again: nothing saved, no event
    svc.benchmark_update(actor=bureau_admin, benchmark=row, data={"power_benchmark": D("0.795")})
    assert row.history.count() == 2
    assert Event.objects.filter(verb="allowances.power_benchmark_updated").count() == 1


def test_duplicate_benchmark_is_a_field_error(bureau_admin):
    benchmark(bureau_admin)
    with pytest.raises(ValidationError) as exc:
        benchmark(bureau_admin, be="0.8000")
    assert list(exc.value.message_dict) == ["unit_class"]
    other_year = benchmark(bureau_admin, year=2025)
    with pytest.raises(ValidationError) as exc:  # moving a row onto another
        svc.benchmark_update(actor=bureau_admin, benchmark=other_year, data={"year": 2024})
    assert list(exc.value.message_dict) == ["unit_class"]
    assert sorted(PowerBenchmark.objects.values_list("year", "power_benchmark")) == [
        (2024, D("0.7910")), (2025, D("0.7910"))]


def test_duplicate_intensity_is_a_field_error(bureau_admin):
    intensity(bureau_admin)
    with pytest.raises(ValidationError) as exc:
        intensity(bureau_admin, value="0.9000")
    assert list(exc.value.message_dict) == ["product"]
    intensity(bureau_admin, product="水泥")  # another product of the sector is fine
    assert IntensityBenchmark.objects.count() == 2


def test_negative_values_refused_on_their_field(bureau_admin):
    with pytest.raises(ValidationError) as exc:
        benchmark(bureau_admin, be="-0.1000")
    assert list(exc.value.message_dict) == ["power_benchmark"]
    with pytest.raises(ValidationError) as exc:
        intensity(bureau_admin, value="-1")
    assert list(exc.value.message_dict) == ["intensity"]
    with pytest.raises(ValidationError) as exc:
        band(bureau_admin, None, None, "-1.0000")
    assert list(exc.value.message_dict) == ["correction"]
    with pytest.raises(ValidationError) as exc:
        band(bureau_admin, "-0.1000", "0.5000", "1.0000")
    assert list(exc.value.message_dict) == ["lower"]
    with pytest.raises(ValidationError) as exc:
        benchmark(bureau_admin, year=1999)
    assert list(exc.value.message_dict) == ["year"]
    assert not PowerBenchmark.objects.exists() and not LoadFactorBand.objects.exists()
    assert not IntensityBenchmark.objects.exists() and not Event.objects.exists()


def test_overlapping_band_refused_with_the_other_band(bands, bureau_admin):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        band(bureau_admin, "0.80", "0.90", "1.0030")
    message = errors_of(exc)["lower"][0]
    assert "[0.7500, 0.8500)" in message and "2025" in message and "overlap" in message
    with pytest.raises(ValidationError) as exc:  # an open band overlaps every band
        band(bureau_admin, None, None, "1.0000")
    assert "lower" in exc.value.message_dict
    with pytest.raises(ValidationError):  # [0.70, 0.75) lies inside [−∞, 0.75)
        band(bureau_admin, "0.70", "0.75", "1.0000")
    assert LoadFactorBand.objects.count() == 3
    # bands of another year do not collide
    band(bureau_admin, None, None, "1.0000", year=2024)
    assert LoadFactorBand.objects.count() == 4


def test_band_edges_touch_without_overlap(bureau_admin):
    band(bureau_admin, "0.75", "0.85", "1.0070")
    band(bureau_admin, "0.85", None, "1.0000")  # 0.85 belongs to the upper band only
    band(bureau_admin, None, "0.75", "1.0150")
    assert LoadFactorBand.objects.count() == 3


def test_band_update_checks_the_other_bands_not_itself(bands, bureau_admin):
    low, middle, _high = bands
    svc.band_update(actor=bureau_admin, band=middle, data={"correction": D("1.0080")})
    middle.refresh_from_db()
    assert middle.correction == D("1.0080")
    with pytest.raises(ValidationError) as exc:
        svc.band_update(actor=bureau_admin, band=low, data={"upper": D("0.80")})
    assert "lower" in exc.value.message_dict
    low.refresh_from_db()
    assert low.upper == D("0.75")


def test_band_upper_must_be_above_lower(bureau_admin):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        band(bureau_admin, "0.85", "0.75", "1.0000")
    assert list(exc.value.message_dict) == ["upper"]
    assert "above the lower bound" in errors_of(exc)["upper"][0]
    with pytest.raises(ValidationError):
        band(bureau_admin, "0.85", "0.85", "1.0000")
    assert not LoadFactorBand.objects.exists()


def test_delete_keeps_event_and_history(bands, bureau_admin):
    _low, middle, _high = bands
    pk = middle.pk
    svc.band_delete(actor=bureau_admin, band=middle)
    assert not LoadFactorBand.objects.filter(pk=pk).exists()
    event = Event.objects.get(verb="allowances.load_factor_band_deleted")
    assert event.target_id == str(pk) and event.data["correction"] == "1.0070"
    assert list(LoadFactorBand.history.filter(id=pk).values_list("history_type", flat=True)) == [
        "-", "+"]


def test_only_the_bureau_admin_changes_parameters(bureau_admin, bureau_reviewer, official_a):
    row = benchmark(bureau_admin)
    for user in (bureau_reviewer, official_a):
        with pytest.raises(PermissionDenied):
            benchmark(user, year=2025)
        with pytest.raises(PermissionDenied):
            svc.benchmark_update(actor=user, benchmark=row, data={"source": "x"})
        with pytest.raises(PermissionDenied):
            svc.benchmark_delete(actor=user, benchmark=row)
        with pytest.raises(PermissionDenied):
            band(user, None, None, "1")
    assert PowerBenchmark.objects.count() == 1 and not LoadFactorBand.objects.exists()


# --- selectors (what the allocation check reads) -------------------------------------------------


def test_missing_parameter_messages(bureau_admin):
    with translation.override("en"):
        with pytest.raises(sel.MissingParameter) as exc:
            sel.power_benchmark(2024, "gas")
        assert str(exc.value) == "No power benchmark for 2024, Gas-fired."
        with pytest.raises(sel.MissingParameter) as exc:
            sel.load_factor_bands(2025)
        assert str(exc.value) == "No load-factor bands for 2025."
        with pytest.raises(sel.MissingParameter) as exc:
            sel.intensity_benchmark(2025, f.sector("building_materials"), "熟料")
        assert "2025" in str(exc.value) and "熟料" in str(exc.value)
    benchmark(bureau_admin, unit_class="gas", be="0.3288", bh="0.0533")
    row = sel.power_benchmark(2024, "gas")
    assert (row.power_benchmark, row.heat_benchmark) == (D("0.3288"), D("0.0533"))
    intensity(bureau_admin)
    assert sel.intensity_benchmark(2025, f.sector("building_materials"), "熟料").intensity == D(
        "0.85")


def test_ff_lookup_with_bands(bands):
    # lower bound included, upper bound excluded
    assert sel.load_factor_correction(2025, D("0.10")) == D("1.0150")
    assert sel.load_factor_correction(2025, D("0.7499")) == D("1.0150")
    assert sel.load_factor_correction(2025, D("0.75")) == D("1.0070")
    assert sel.load_factor_correction(2025, D("0.8499")) == D("1.0070")
    assert sel.load_factor_correction(2025, D("0.85")) == D("1.0000")
    assert sel.load_factor_correction(2025, D("0.99")) == D("1.0000")
    # without a load factor only a single open band gives an Ff
    with translation.override("en"), pytest.raises(sel.MissingParameter) as exc:
        sel.load_factor_correction(2025, None)
    assert "2025" in str(exc.value)


def test_ff_without_load_factor_from_the_open_band_and_gap(bureau_admin):
    band(bureau_admin, None, None, "1.0000", year=2024)
    assert sel.load_factor_correction(2024, None) == D("1.0000")
    assert sel.load_factor_correction(2024, D("0.62")) == D("1.0000")
    band(bureau_admin, "0", "0.50", "1.0200")
    band(bureau_admin, "0.60", None, "1.0000")
    with translation.override("en"), pytest.raises(sel.MissingParameter) as exc:
        sel.load_factor_correction(2025, D("0.55"))  # in the gap [0.50, 0.60)
    assert "0.55" in str(exc.value) and "2025" in str(exc.value)


def test_band_gaps():
    assert sel.band_gaps([]) == [(D(0), None)]
    assert sel.band_gaps([(None, None, D(1))]) == []
    assert sel.band_gaps([(None, D("0.75"), D(1)), (D("0.75"), None, D(1))]) == []
    assert sel.band_gaps([(D("0.1"), D("0.5"), D(1)), (D("0.6"), D("0.9"), D(1))]) == [
        (D(0), D("0.1")), (D("0.5"), D("0.6")), (D("0.9"), None)]


# --- pages -----------------------------------------------------------------------------------------


def _post_band(client, **data):
    return client.post(reverse("allowances:band_create"), {
        "year": "2025", "lower": "", "upper": "", "correction": "1.0000", "source": "plan", **data,
    })


def test_create_page_saves_and_returns_to_the_year(bureau_admin, client_as):
    client = client_as(bureau_admin)
    url = reverse("allowances:benchmark_create")
    assert client.get(url + "?year=2025").context["form"].initial["year"] == 2025
    response = client.post(url, {
        "year": "2025", "unit_class": "gas", "power_benchmark": "0.3288",
        "heat_benchmark": "0.0533", "source": "演示",
    })
    assert response.status_code == 302
    assert response["Location"] == reverse("allowances:parameter_index") + "?year=2025#benchmarks"
    assert PowerBenchmark.objects.get().power_benchmark == D("0.3288")


def test_create_page_errors_change_nothing(bands, bureau_admin, client_as):
    client = client_as(bureau_admin)
    response = _post_band(client, lower="0.80", upper="0.90")
    assert response.status_code == 200 and "lower" in response.context["form"].errors
    response = _post_band(client, year="2024", lower="0.9", upper="0.8")
    assert "upper" in response.context["form"].errors
    response = _post_band(client, year="2024", correction="-1")
    assert "correction" in response.context["form"].errors
    response = _post_band(client, year="2024", correction="abc")
    assert "correction" in response.context["form"].errors
    assert LoadFactorBand.objects.count() == 3
    benchmark(bureau_admin)
    response = client.post(reverse("allowances:benchmark_create"), {
        "year": "2024", "unit_class": "coal_large", "power_benchmark": "0.8",
        "heat_benchmark": "0.1", "source": "x",
    })
    assert response.status_code == 200 and "unit_class" in response.context["form"].errors
    assert PowerBenchmark.objects.count() == 1


def test_reviewer_official_enterprise_agency_get_403(
    bureau_reviewer, official_a, ent_a, agency_a_staff, bureau_admin, client_as
):
    row = benchmark(bureau_admin)
    urls = [
        reverse("allowances:benchmark_create"),
        reverse("allowances:band_create"),
        reverse("allowances:intensity_create"),
        reverse("allowances:benchmark_edit", kwargs={"pk": row.pk}),
        reverse("allowances:benchmark_delete", kwargs={"pk": row.pk}),
    ]
    for user in (bureau_reviewer, official_a, ent_a, agency_a_staff):
        client = client_as(user)
        for url in urls:
            assert client.get(url).status_code == 403, (user, url)
            assert client.post(url, {"year": "2024", "confirmed": "1"}).status_code == 403
        # everyone logged in reads
        assert client.get(reverse("allowances:parameter_index")).status_code == 200
    assert PowerBenchmark.objects.count() == 1 and Event.objects.count() == 1


def test_edit_page_shows_history_and_events(bureau_admin, client_as):
    row = benchmark(bureau_admin)
    client = client_as(bureau_admin)
    url = reverse("allowances:benchmark_edit", kwargs={"pk": row.pk})
    response = client.post(url, {
        "year": "2024", "unit_class": "coal_large", "power_benchmark": "0.7920",
        "heat_benchmark": "0.1033", "source": "国环规气候〔2024〕1号",
    })
    assert response.status_code == 302
    response = client.get(url)
    assert response.context["form"].initial["power_benchmark"] == D("0.7920")
    assert [e.verb for e in response.context["events"]] == [
        "allowances.power_benchmark_updated", "allowances.power_benchmark_created"]
    assert len(response.context["history"]) == 2
    change = response.context["history"][0]["changes"][0]
    assert (change["old"], change["new"]) == ("0.7910", "0.7920")  # rendered by zhongwei_carbon.display


def test_delete_asks_first(bands, bureau_admin, client_as):
    client = client_as(bureau_admin)
    middle = bands[1]
    url = reverse("allowances:band_delete", kwargs={"pk": middle.pk})
    response = client.get(url)
    assert response.status_code == 200 and b'name="confirmed"' in response.content
    assert client.post(url, {}).status_code == 200  # not confirmed: asks again
    assert LoadFactorBand.objects.filter(pk=middle.pk).exists()
    response = client.post(url, {"confirmed": "1"})
    assert response.status_code == 302 and "year=2025" in response["Location"]
    assert not LoadFactorBand.objects.filter(pk=middle.pk).exists()


def test_index_grouped_by_year_with_filter_and_gaps(bureau_admin, agency_a_staff, client_as):
    benchmark(bureau_admin, year=2024)
    benchmark(bureau_admin, year=2025)
    benchmark(bureau_admin, year=2025, unit_class="gas", be="0.3288", bh="0.0533")
    benchmark(bureau_admin, year=2025, unit_class="coal_cfb", be="0.8244")
    band(bureau_admin, "0.5", None, "1.0000")
    intensity(bureau_admin)
    client = client_as(agency_a_staff)
    url = reverse("allowances:parameter_index")
    response = client.get(url)
    assert response.context["years"] == [2025, 2024]
    groups = {g["year"]: g for g in response.context["groups"]}
    # in the plan's order of unit classes, not alphabetically
    assert [r.unit_class for r in groups[2025]["benchmarks"]] == ["coal_large", "coal_cfb", "gas"]
    assert len(groups[2024]["benchmarks"]) == 1 and groups[2024]["bands"] == []
    assert groups[2025]["gaps"] == [(D(0), D("0.5"))]  # below 0.5 no band
    assert response.context["can_manage"] is False
    assert reverse("allowances:benchmark_create").encode() not in response.content
    response = client.get(url, {"year": "2024"})
    assert [g["year"] for g in response.context["groups"]] == [2024]
    response = client.get(url, {"year": "2030"})  # a year without rows: empty tables
    assert [(g["year"], g["benchmarks"]) for g in response.context["groups"]] == [(2030, [])]
    assert client_as(bureau_admin).get(url).context["can_manage"] is True


def _rows(response):
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.getvalue()))
    return list(wb.active.iter_rows(values_only=True))


def test_exports(bands, bureau_admin, ent_b, client_as):
    benchmark(bureau_admin, year=2024)
    benchmark(bureau_admin, year=2025, unit_class="gas", be="0.3288", bh="0.0533")
    intensity(bureau_admin)
    client = client_as(ent_b)
    rows = _rows(client.get(reverse("allowances:benchmark_export")))
    assert len(rows) == 3  # header + two rows, newest year first
    assert [(r[0], r[2], D(str(r[3])), D(str(r[4]))) for r in rows[1:]] == [
        (2025, "gas", D("0.3288"), D("0.0533")), (2024, "coal_large", D("0.7910"), D("0.1033"))]
    rows = _rows(client.get(reverse("allowances:benchmark_export"), {"year": "2024"}))
    assert [r[0] for r in rows[1:]] == [2024]
    rows = _rows(client.get(reverse("allowances:band_export"), {"year": "2025"}))
    assert [(r[1], r[2], D(str(r[3]))) for r in rows[1:]] == [
        (None, 0.75, D("1.015")), (0.75, 0.85, D("1.007")), (0.85, None, D("1"))]
    rows = _rows(client.get(reverse("allowances:intensity_export")))
    assert [(r[0], r[2], r[3], r[4], D(str(r[5])), r[6]) for r in rows[1:]] == [
        (2025, "building_materials", "熟料", "t", D("0.85"), "演示值（非官方）")]


# --- the plan settings of a year: which power counts as Qe (issue 9 §1) ------------------------


def test_plan_settings_one_per_year_admin_only_with_history(bureau_admin, bureau_reviewer):
    from allowances.models import AllocationPlan

    plan = svc.plan_create(actor=bureau_admin, data={
        "year": 2024, "power_basis": "generated", "source": "国环规气候〔2024〕1号"})
    assert sel.allocation_plan(2024).power_basis == "generated"
    with pytest.raises(ValidationError) as exc:
        svc.plan_create(actor=bureau_admin, data={"year": 2024, "power_basis": "supplied",
                                                  "source": "x"})
    assert list(exc.value.message_dict) == ["year"]
    with pytest.raises(ValidationError) as exc:
        svc.plan_create(actor=bureau_admin, data={"year": 2022, "power_basis": "sold",
                                                  "source": "x"})
    assert list(exc.value.message_dict) == ["power_basis"]
    with pytest.raises(PermissionDenied):
        svc.plan_update(actor=bureau_reviewer, plan=plan, data={"power_basis": "supplied"})
    with translation.override("en"):
        svc.plan_update(actor=bureau_admin, plan=plan, data={"power_basis": "supplied"})
    assert list(AllocationPlan.history.filter(id=plan.pk).order_by("history_id")
                .values_list("power_basis", flat=True)) == ["generated", "supplied"]
    event = Event.objects.filter(verb="allowances.allocation_plan_updated").get()
    assert "Power generated → Power supplied" in event.message
    with pytest.raises(sel.MissingParameter, match="2023"):
        sel.allocation_plan(2023)


def test_plan_settings_on_the_parameters_page(bureau_admin, ent_a, client_as):
    client = client_as(bureau_admin)
    url = reverse("allowances:plan_create")
    response = client.post(url, {"year": "2025", "power_basis": "generated",
                                 "source": "国环规气候〔2024〕1号"})
    assert response.status_code == 302
    assert response["Location"] == reverse("allowances:parameter_index") + "?year=2025#plans"
    body = client.get(reverse("allowances:parameter_index")).content.decode()
    assert 'data-basis="generated">发电量<' in body  # pages are in Chinese
    assert "预分配量为按上述公式" in body and "计算结果的70%" in body  # the share from rules
    # a year with a benchmark but no plan settings says what is missing
    benchmark(bureau_admin, year=2024)
    body = client.get(reverse("allowances:parameter_index"), {"year": 2024}).content.decode()
    assert "2024年度未设置分配方案" in body
    assert reverse("allowances:plan_create") + "?year=2024" in body
    assert client_as(ent_a).post(url, {"year": "2024", "power_basis": "supplied",
                                       "source": "x"}).status_code == 403
    rows = _rows(client_as(ent_a).get(reverse("allowances:plan_export")))
    assert [(r[0], r[2], r[3]) for r in rows[1:]] == [(2025, "generated", "国环规气候〔2024〕1号")]
