"""Transfer page (confirmation step, serial blocks, refusals that post nothing), the page of
each ledger entry (scoped: another enterprise gets 404) and the reversal page (reason,
confirmation, a second reversal refused). Balances computed by hand."""

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from allowances.choices import EntryKind, UnitType
from allowances.models import CCERProject, ComplianceCycle, Holding, LedgerEntry
from allowances.services import ledger
from allowances.services.statements import statement_import

pytestmark = pytest.mark.django_db

TRANSFER = reverse("allowances:transfer_new")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def client_as(client_as):
    def make(user):
        client = client_as(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


@pytest.fixture
def setup(enterprise_a, enterprise_b, bureau_admin):
    """a: 1,000 CEA 2025 and 300 CCER 2024 of project P-1 (serials 5001–5300); b: nothing."""
    cycle = ComplianceCycle.objects.create(year=2025, name="2025")
    project = CCERProject.objects.create(code="P-1", name="中卫光伏")
    a, b = ledger.account_for(enterprise_a), ledger.account_for(enterprise_b)
    (allocation,) = ledger.allocate(
        actor=bureau_admin, account=a, cycle=cycle, vintage=2025, quantity=1000
    )
    ledger.post(
        actor=bureau_admin,
        movements=[
            ledger.Movement(
                a,
                UnitType.CCER,
                2024,
                300,
                EntryKind.TRANSFER_IN,
                project,
                serial_start=5001,
                serial_end=5300,
            )
        ],
        reference="CCER purchase",
    )
    return {"a": a, "b": b, "project": project, "allocation": allocation, "cycle": cycle}


def held(account, unit_type=UnitType.CEA, vintage=2025):
    h = Holding.objects.filter(account=account, unit_type=unit_type, vintage=vintage).first()
    return h.quantity if h else 0


def form_data(setup, **over):
    data = {
        "source": setup["a"].enterprise.uscc,
        "target": setup["b"].enterprise.uscc,
        "unit_type": "cea",
        "vintage": 2025,
        "project": "",
        "quantity": 300,
        "serial_start": "",
        "serial_end": "",
        "reference": "NETS-2025-0001",
    }
    data.update(over)
    return data


def test_transfer_preview_then_confirm_posts_both_entries(setup, bureau_admin, client_as):
    client = client_as(bureau_admin)
    assert client.get(TRANSFER).status_code == 200
    before = LedgerEntry.objects.count()
    preview = client.post(TRANSFER, form_data(setup))
    assert preview.status_code == 200
    assert preview.templates[0].name == "allowances/movements/transfer_confirm.html"
    # what will move: a 1,000 → 700, b 0 → 300; nothing posted yet
    assert (preview.context["source_now"], preview.context["source_after"]) == (1000, 700)
    assert (preview.context["target_now"], preview.context["target_after"]) == (0, 300)
    assert LedgerEntry.objects.count() == before

    edit = client.post(TRANSFER, {**form_data(setup), "edit": "1"})
    assert edit.templates[0].name == "allowances/movements/transfer_form.html"
    assert LedgerEntry.objects.count() == before

    r = client.post(TRANSFER, {**form_data(setup), "confirm": "1"})
    assert r.status_code == 302
    out = LedgerEntry.objects.get(kind=EntryKind.TRANSFER_OUT)
    into = LedgerEntry.objects.get(kind=EntryKind.TRANSFER_IN, holding__account=setup["b"])
    assert r["Location"] == reverse("allowances:entry_detail", kwargs={"pk": out.pk})
    assert (out.quantity, into.quantity) == (-300, 300)
    assert out.reference == into.reference == "NETS-2025-0001"
    assert (held(setup["a"]), held(setup["b"])) == (700, 300)  # 1,000 − 300; 0 + 300
    page = client.get(r["Location"])
    assert page.context["counterpart"] == into


def test_ccer_transfer_keeps_the_serial_block(setup, bureau_admin, client_as):
    data = form_data(
        setup,
        unit_type="ccer",
        vintage=2024,
        project=setup["project"].pk,
        quantity=100,
        serial_start=5001,
        serial_end=5100,
        confirm="1",
    )
    r = client_as(bureau_admin).post(TRANSFER, data)
    assert r.status_code == 302
    entries = LedgerEntry.objects.filter(
        kind__in=["transfer_in", "transfer_out"], reference=data["reference"]
    )
    assert sorted((e.quantity, e.serial_start, e.serial_end) for e in entries) == [
        (-100, 5001, 5100),
        (100, 5001, 5100),
    ]
    # 300 − 100 = 200 left in a, 100 in b
    assert held(setup["a"], UnitType.CCER, 2024) == 200
    assert held(setup["b"], UnitType.CCER, 2024) == 100


@pytest.mark.parametrize(
    "over, field, words",
    [
        ({"serial_start": 5001, "serial_end": 5200}, "serial_end", "holds 200 units, not 100 t"),
        ({"serial_start": 5100, "serial_end": 5001}, "serial_end", "cannot be before the first"),
        ({"serial_start": 5001}, "serial_end", "both the first and the last"),
        ({"project": ""}, "project", "need their project"),
        ({"unit_type": "cea", "vintage": 2025}, "project", "have no CCER project"),
        ({"quantity": 0}, "quantity", "greater than or equal to 1"),
        ({"quantity": "1.5"}, "quantity", "whole number"),
        ({"reference": ""}, "reference", "required"),
    ],
)
def test_transfer_bad_input_posts_nothing(setup, bureau_admin, client_as, over, field, words):
    base = form_data(
        setup, unit_type="ccer", vintage=2024, project=setup["project"].pk, quantity=100
    )
    before = LedgerEntry.objects.count()
    r = client_as(bureau_admin).post(TRANSFER, {**base, **over, "confirm": "1"})
    assert r.status_code == 200
    errors = " ".join(r.context["form"].errors.get(field, []))
    assert words in errors, r.context["form"].errors
    assert LedgerEntry.objects.count() == before


def test_serials_refused_for_allowances_and_same_account(setup, bureau_admin, client_as):
    client = client_as(bureau_admin)
    r = client.post(TRANSFER, form_data(setup, serial_start=1, serial_end=300, confirm="1"))
    assert "CCER units only" in " ".join(r.context["form"].errors["serial_start"])
    r = client.post(TRANSFER, form_data(setup, target=setup["a"].enterprise.uscc, confirm="1"))
    assert "are the same" in " ".join(r.context["form"].errors["target"])
    assert not LedgerEntry.objects.filter(kind=EntryKind.TRANSFER_OUT).exists()


def test_not_enough_units_shows_the_service_message(setup, bureau_admin, client_as):
    client = client_as(bureau_admin)
    before = LedgerEntry.objects.count()
    preview = client.post(TRANSFER, form_data(setup, quantity=1500))
    assert "holds only 1000 t" in " ".join(preview.context["form"].errors["quantity"])
    r = client.post(TRANSFER, form_data(setup, quantity=1500, confirm="1"))
    assert r.status_code == 200
    assert "Not enough units: 1000 t held, 1500 t needed" in " ".join(
        r.context["form"].non_field_errors()
    )
    assert LedgerEntry.objects.count() == before
    assert (held(setup["a"]), held(setup["b"])) == (1000, 0)


@pytest.mark.parametrize("persona", ["bureau_reviewer", "official_a", "ent_a", "agency_a_staff"])
def test_transfer_page_is_for_ledger_posters_only(setup, client_as, persona, request):
    client = client_as(request.getfixturevalue(persona))
    assert client.get(TRANSFER).status_code == 403
    assert client.post(TRANSFER, form_data(setup, confirm="1")).status_code == 403
    assert held(setup["b"]) == 0


def test_transfer_prefilled_from_a_statement_line(setup, enterprise_b, bureau_admin, client_as):
    data = f"统一社会信用代码,单位类型,年份,CCER项目编号,持有量（吨）\n{enterprise_b.uscc},配额,2025,,250\n"
    statement = statement_import(
        actor=bureau_admin, as_of=date(2025, 6, 30), upload_name="s.csv", data=data.encode()
    )
    line = statement.lines.get(uscc=enterprise_b.uscc)
    r = client_as(bureau_admin).get(TRANSFER, {"line": line.pk})
    # the statement shows 250 more in b than the portal: b is the target of 250 t
    assert r.context["form"].initial == {
        "unit_type": "cea",
        "vintage": 2025,
        "project": None,
        "quantity": 250,
        "target": setup["b"].pk,
    }


# --- ledger-entry page ---------------------------------------------------------------------


def entry_url(entry, name="entry_detail"):
    return reverse(f"allowances:{name}", kwargs={"pk": entry.pk})


@pytest.mark.parametrize(
    "persona, status",
    [
        ("bureau_admin", 200),
        ("bureau_reviewer", 200),
        ("official_a", 200),
        ("ent_a", 200),
        ("official_b", 404),
        ("ent_b", 404),
        ("agency_a_staff", 403),
    ],
)
def test_entry_page_scoped(setup, client_as, persona, status, request):
    r = client_as(request.getfixturevalue(persona)).get(entry_url(setup["allocation"]))
    assert r.status_code == status


def test_entry_page_shows_the_movement_and_account_links_to_it(setup, ent_a, client_as):
    ccer = LedgerEntry.objects.get(serial_start=5001)
    client = client_as(ent_a)
    html = client.get(entry_url(ccer)).content.decode()
    for text in ["CCER", "2024", "P-1", "5001–5300", "+300", "CCER purchase", "Transfer in"]:
        assert text in html, text
    assert "Reverse this entry" not in html  # an enterprise cannot post
    account = client.get(reverse("allowances:account_detail", kwargs={"pk": setup["a"].pk}))
    assert entry_url(ccer) in account.content.decode()
    assert entry_url(setup["allocation"]) in account.content.decode()


def test_reversal_then_second_reversal_refused(setup, bureau_admin, client_as):
    client = client_as(bureau_admin)
    allocation = setup["allocation"]
    assert "Reverse this entry" in client.get(entry_url(allocation)).content.decode()
    page = client.get(entry_url(allocation, "entry_reverse"))
    assert page.status_code == 200
    assert (page.context["held_now"], page.context["held_after"]) == (1000, 0)

    no_reason = client.post(entry_url(allocation, "entry_reverse"), {"reason": " "})
    assert "reason" in no_reason.context["form"].errors
    assert not LedgerEntry.objects.filter(kind=EntryKind.CORRECTION).exists()

    r = client.post(entry_url(allocation, "entry_reverse"), {"reason": "wrong enterprise"})
    correction = LedgerEntry.objects.get(kind=EntryKind.CORRECTION)
    assert r["Location"] == entry_url(correction)
    assert (correction.quantity, correction.reverses_id) == (-1000, allocation.pk)
    assert held(setup["a"]) == 0  # 1,000 − 1,000

    original = client.get(entry_url(allocation))
    assert original.context["reversal"] == correction
    assert entry_url(correction) in original.content.decode()
    assert "Reverse this entry" not in original.content.decode()
    corr_page = client.get(entry_url(correction)).content.decode()
    assert entry_url(allocation) in corr_page

    again = client.post(entry_url(allocation, "entry_reverse"), {"reason": "again"})
    assert again.status_code == 200
    assert "already been reversed" in " ".join(again.context["form"].non_field_errors())
    of_correction = client.post(entry_url(correction, "entry_reverse"), {"reason": "undo"})
    assert "cannot itself be reversed" in " ".join(of_correction.context["form"].non_field_errors())
    assert LedgerEntry.objects.filter(kind=EntryKind.CORRECTION).count() == 1
    assert held(setup["a"]) == 0


def test_reversal_that_would_go_negative_is_refused(setup, bureau_admin, client_as):
    out, into = ledger.transfer(
        actor=bureau_admin,
        source=setup["a"],
        target=setup["b"],
        unit_type=UnitType.CEA,
        vintage=2025,
        quantity=400,
        reference="T-1",
    )
    ledger.transfer(
        actor=bureau_admin,
        source=setup["b"],
        target=setup["a"],
        unit_type=UnitType.CEA,
        vintage=2025,
        quantity=400,
        reference="T-2",
    )
    # b holds 0 again: taking back the 400 it received would leave −400
    r = client_as(bureau_admin).post(entry_url(into, "entry_reverse"), {"reason": "mistake"})
    assert "Not enough units: 0 t held, 400 t needed" in " ".join(
        r.context["form"].non_field_errors()
    )
    assert not LedgerEntry.objects.filter(kind=EntryKind.CORRECTION).exists()
    assert (held(setup["a"]), held(setup["b"])) == (1000, 0)


@pytest.mark.parametrize("persona, status", [("bureau_reviewer", 403), ("ent_a", 403)])
def test_reversal_is_for_ledger_posters_only(setup, client_as, persona, status, request):
    client = client_as(request.getfixturevalue(persona))
    url = entry_url(setup["allocation"], "entry_reverse")
    assert client.get(url).status_code == status
    assert client.post(url, {"reason": "x"}).status_code == status
    assert not LedgerEntry.objects.filter(kind=EntryKind.CORRECTION).exists()


def test_transfer_service_keeps_serials_and_checks_them(setup, bureau_admin):
    from django.core.exceptions import ValidationError

    out, into = ledger.transfer(
        actor=bureau_admin,
        source=setup["a"],
        target=setup["b"],
        unit_type=UnitType.CCER,
        vintage=2024,
        quantity=50,
        project=setup["project"],
        reference="T",
        serial_start=5251,
        serial_end=5300,
    )
    assert (out.serial_start, out.serial_end, into.serial_start, into.serial_end) == (
        5251,
        5300,
        5251,
        5300,
    )
    with pytest.raises(ValidationError):
        ledger.transfer(
            actor=bureau_admin,
            source=setup["a"],
            target=setup["b"],
            unit_type=UnitType.CCER,
            vintage=2024,
            quantity=50,
            project=setup["project"],
            serial_start=1,
            serial_end=49,
        )
    assert held(setup["a"], UnitType.CCER, 2024) == 250  # 300 − 50, the refused one moved nothing
