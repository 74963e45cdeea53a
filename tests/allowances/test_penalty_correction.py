"""Art. 24 correction and the price window (issue 9 §2–3), through the services and pages.

The issue's example by hand: enterprise_a's verified 2024 emissions 30,000 t, nothing
surrendered by the surrender deadline (31 Dec 2024) → 30,000 t short. Window 1–31 Dec 2024,
December average 80.00 CNY/t: 30,000 × 80 = 2,400,000; fine 12,000,000.00–24,000,000.00 CNY.
Correction deadline 31 Jan 2025. 10,000 t surrendered on 20 Jan 2025 → cut 20,000 t (the fine
stays on 30,000 t); 30,000 t surrendered by 31 Jan → no cut; units surrendered after 31 Jan do
not reduce the cut."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from allowances.choices import EntryKind
from allowances.models import ComplianceCycle, LedgerEntry, PenaltyCase
from allowances.selectors import penalties as sel
from allowances.services import ledger
from allowances.services import penalties as svc
from tests import factories as f
from tests.allowances.dated import on
from zhongwei_carbon import web
from zhongwei_carbon.models import Event, Notification

pytestmark = pytest.mark.django_db
OPENED = date(2025, 1, 2)
CORRECT_BY = date(2025, 1, 31)
PASSED = date(2025, 2, 1)


@pytest.fixture
def world(enterprise_a, bureau_admin):
    cycle = f.cycle_with_deadline(2024, date(2024, 12, 31))
    next_cycle = ComplianceCycle.objects.create(year=2025, name="2025")
    f.obliged(enterprise_a, 2024, "30000.00")
    account = ledger.account_for(enterprise_a)
    ledger.allocate(actor=bureau_admin, account=account, cycle=cycle, vintage=2024, quantity=40000)
    ledger.allocate(actor=bureau_admin, account=account, cycle=next_cycle, vintage=2025,
                    quantity=50000)
    svc.price_set(actor=bureau_admin, month=date(2024, 12, 1), average_price=Decimal("80.00"),
                  source="SEEE")
    return {"cycle": cycle, "next": next_cycle, "account": account}


def open_case(world, enterprise, admin):
    return svc.penalty_open(actor=admin, cycle=world["cycle"], enterprise=enterprise,
                            correction_deadline=CORRECT_BY, today=OPENED)


def surrender(world, admin, day, tonnes):
    with on(day):
        ledger.surrender(actor=admin, account=world["account"], cycle=world["cycle"],
                         obligation=30000, cea=[(2024, tonnes)])


def test_the_issue_example_fine_on_30000_cut_20000(world, enterprise_a, bureau_admin):
    case = open_case(world, enterprise_a, bureau_admin)
    assert (case.tonnes_short, case.fine_min, case.fine_max) == (
        30000, Decimal("12000000.00"), Decimal("24000000.00"))
    surrender(world, bureau_admin, date(2025, 1, 20), 10000)
    # before the correction deadline has passed the cut is not known and nothing is posted
    figures = sel.figures(case, CORRECT_BY)
    assert (figures.still_short_now, figures.cut) == (20000, None)
    case = svc.penalty_decide(actor=bureau_admin, case=case, fine=Decimal("12000000.00"),
                              today=CORRECT_BY)
    with translation.override("en"), pytest.raises(ValidationError, match="only after"):
        svc.penalty_apply_cut(actor=bureau_admin, case=case, next_cycle=world["next"],
                              today=CORRECT_BY)
    assert not LedgerEntry.objects.filter(kind=EntryKind.NEXT_YEAR_CUT).exists()
    # a surrender after the correction deadline does not reduce the cut
    surrender(world, bureau_admin, date(2025, 2, 5), 5000)
    svc.penalty_apply_cut(actor=bureau_admin, case=case, next_cycle=world["next"], today=PASSED)
    case.refresh_from_db()
    assert (case.tonnes_short, case.fine_decided) == (30000, Decimal("12000000.00"))
    assert (case.next_year_cut, case.cut_posted, case.cut_applied, case.status) == (
        20000, 20000, True, "closed")
    assert LedgerEntry.objects.get(kind=EntryKind.NEXT_YEAR_CUT).quantity == -20000
    assert sel.figures(case, PASSED).still_short_now == 15000


def test_corrected_in_full_posts_no_cut(world, enterprise_a, bureau_admin):
    case = open_case(world, enterprise_a, bureau_admin)
    surrender(world, bureau_admin, date(2025, 1, 20), 10000)
    surrender(world, bureau_admin, CORRECT_BY, 20000)  # on the deadline day: still in time
    case = svc.penalty_decide(actor=bureau_admin, case=case, fine=Decimal("12000000.00"),
                              today=PASSED)
    figures = sel.figures(case, PASSED)
    assert figures.cut == 0 and figures.corrected_in_full
    with translation.override("en"), pytest.raises(ValidationError, match="no cut"):
        svc.penalty_apply_cut(actor=bureau_admin, case=case, next_cycle=world["next"],
                              today=PASSED)
    case.refresh_from_db()
    assert (case.next_year_cut, case.cut_posted, case.status) == (0, 0, "closed")
    assert case.fine_min == Decimal("12000000.00")  # the fine never shrinks
    assert not LedgerEntry.objects.filter(kind=EntryKind.NEXT_YEAR_CUT).exists()


def test_opening_notifies_the_enterprise_with_the_deadline(
    world, enterprise_a, bureau_admin, ent_a, ent_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = open_case(world, enterprise_a, bureau_admin)
    note = Notification.objects.get(recipient=ent_a)
    assert "2025-01-31" in note.subject and "30,000" in note.subject
    # it opens where the enterprise acts: the surrender form of the case's cycle (issue 9 §10)
    assert note.link == f"{reverse('allowances:surrender_new')}?cycle={case.cycle.year}"
    assert not Notification.objects.filter(recipient=ent_b).exists()
    with django_capture_on_commit_callbacks(execute=True):
        svc.penalty_set_correction_deadline(actor=bureau_admin, case=case,
                                            correction_deadline=date(2025, 2, 28),
                                            reason="企业申请延期", today=OPENED)
    assert Notification.objects.filter(recipient=ent_a).count() == 2
    case.refresh_from_db()
    assert case.correction_deadline == date(2025, 2, 28)
    assert "企业申请延期" in Event.objects.filter(verb="allowances.penalty_correction_deadline").get().message


# --- the price window ---------------------------------------------------------------------------


def _days(admin, *rows):
    for day, price, volume in rows:
        svc.price_day_set(actor=admin, day=day, average_price=Decimal(price), volume=volume,
                          source="SEEE")


def test_bureau_sets_another_window_with_a_reason_kept_in_history(world, enterprise_a, bureau_admin):
    case = open_case(world, enterprise_a, bureau_admin)
    _days(bureau_admin, (date(2024, 12, 16), "70.00", 3000), (date(2025, 1, 6), "90.00", 1000),
          (date(2025, 1, 20), "200.00", 1))  # outside the window: ignored
    case = svc.penalty_set_price_window(
        actor=bureau_admin, case=case, start=date(2024, 12, 16), end=date(2025, 1, 15),
        reason="12月下旬交易异常",
    )
    # (70 × 3,000 + 90 × 1,000) ÷ 4,000 = 75.00; 30,000 × 75 = 2,250,000
    assert (case.price, case.price_basis, case.price_days) == (Decimal("75.00"), "days", 2)
    assert (case.fine_min, case.fine_max) == (Decimal("11250000.00"), Decimal("22500000.00"))
    assert case.price_window_reason == "12月下旬交易异常"
    before, after = case.history.order_by("history_date")[:2]
    assert (before.price_window_start, after.price_window_start) == (date(2024, 12, 1), date(2024, 12, 16))
    assert (before.price, after.price) == (Decimal("80.00"), Decimal("75.00"))
    event = Event.objects.get(verb="allowances.penalty_price_window")
    assert "12月下旬交易异常" in event.message and event.data["old"]["price"] == "80.00"
    with translation.override("en"):
        changes = {str(c["field"]): c["new"] for c in web.history_rows(case)[0]["changes"]}
    assert changes["reason for another price window"] == "12月下旬交易异常"


def test_window_refusals_change_nothing(world, enterprise_a, bureau_admin, bureau_reviewer):
    case = open_case(world, enterprise_a, bureau_admin)
    with translation.override("en"), pytest.raises(ValidationError, match="2024-11-01 – 2024-11-30"):
        svc.penalty_set_price_window(actor=bureau_admin, case=case, start=date(2024, 11, 1),
                                     end=date(2024, 11, 30), reason="x")  # no prices entered
    with pytest.raises(ValidationError) as exc:
        svc.penalty_set_price_window(actor=bureau_admin, case=case, start=date(2024, 12, 1),
                                     end=date(2024, 12, 31), reason="  ")
    assert "reason" in exc.value.error_dict
    with pytest.raises(PermissionDenied):
        svc.penalty_set_price_window(actor=bureau_reviewer, case=case, start=date(2024, 12, 1),
                                     end=date(2024, 12, 31), reason="x")
    case = svc.penalty_decide(actor=bureau_admin, case=case, fine=Decimal("12000000.00"))
    with translation.override("en"), pytest.raises(ValidationError, match="decided"):
        svc.penalty_set_price_window(actor=bureau_admin, case=case, start=date(2024, 12, 1),
                                     end=date(2024, 12, 31), reason="x")
    case.refresh_from_db()
    assert (case.price, case.price_window_start, case.price_window_reason) == (
        Decimal("80.00"), date(2024, 12, 1), "")
    assert not Event.objects.filter(verb="allowances.penalty_price_window").exists()


def test_correction_deadline_fixed_once_the_cut_is(world, enterprise_a, bureau_admin):
    case = svc.penalty_decide(actor=bureau_admin, case=open_case(world, enterprise_a, bureau_admin),
                              fine=Decimal("12000000.00"))
    svc.penalty_apply_cut(actor=bureau_admin, case=case, next_cycle=world["next"], today=PASSED)
    with pytest.raises(ValidationError):
        svc.penalty_set_correction_deadline(actor=bureau_admin, case=case,
                                            correction_deadline=date(2099, 1, 1))
    case.refresh_from_db()
    assert (case.correction_deadline, case.next_year_cut) == (CORRECT_BY, 30000)


# --- pages ---------------------------------------------------------------------------------------


def test_case_page_for_the_enterprise_in_chinese(world, enterprise_a, bureau_admin, ent_a, ent_b,
                                                 official_b, client_as):
    case = open_case(world, enterprise_a, bureau_admin)
    url = reverse("allowances:penalty_detail", kwargs={"pk": case.pk})
    with translation.override("zh-hans"):
        html = client_as(ent_a).get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for text in ("30,000 t", "12,000,000.00", "24,000,000.00", "2024-12-01 – 2024-12-31",
                 "2025-01-31", "80.00"):
        assert text in html, text
    assert client_as(ent_b).get(url).status_code == 404
    assert client_as(official_b).get(url).status_code == 404
    # the case is named by enterprise and cycle, never by its database id (issue 9 §9)
    assert f"#{case.pk}" not in html
    assert f"{enterprise_a.name} · {case.cycle.year}年度未足额清缴处罚案件" in html


def test_page_forms_are_the_bureau_admins(world, enterprise_a, bureau_admin, official_a, ent_a,
                                          client_as):
    case = open_case(world, enterprise_a, bureau_admin)
    url = reverse("allowances:penalty_detail", kwargs={"pk": case.pk})
    window = {"action": "window", "window-price_window_start": "2024-11-01",
              "window-price_window_end": "2024-11-30", "window-reason": "x"}
    for user in (official_a, ent_a):
        assert client_as(user).post(url, window).status_code == 403
    response = client_as(bureau_admin).post(url, window)  # no price in the window
    assert response.status_code == 200 and response.context["window_form"].non_field_errors()
    response = client_as(bureau_admin).post(url, {"action": "deadline",
                                                  "deadline-correction_deadline": "2099-03-31"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.price, case.correction_deadline) == (Decimal("80.00"), date(2099, 3, 31))


def test_list_and_export_carry_the_correction_columns(world, enterprise_a, bureau_admin, client_as):
    case = open_case(world, enterprise_a, bureau_admin)
    surrender(world, bureau_admin, date(2025, 1, 20), 10000)
    response = client_as(bureau_admin).get(reverse("allowances:penalty_list"), {"cycle": "2024"})
    row = list(response.context["page_obj"])[0]
    assert row == case and row.figures.still_short_now == 20000 and row.figures.cut == 20000
    import io

    import openpyxl

    response = client_as(bureau_admin).get(reverse("allowances:penalty_export"), {"cycle": "2024"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.getvalue())).active.iter_rows(values_only=True))
    assert rows[1][11].date() == CORRECT_BY and rows[1][12:14] == (20000, 20000)
    assert PenaltyCase.objects.count() == 1


def test_complied_late_enterprise_is_offered_and_fined_on_the_tonnes_short_at_the_deadline(
    world, enterprise_a, bureau_admin, client_as
):
    """Art. 24: surrendered in full only after the surrender deadline (complied_late) → still
    short at the deadline: listed with the tonnes short then, and a case can be opened."""
    from tests.two_step import is_confirmation

    surrender(world, bureau_admin, date(2025, 1, 10), 30000)
    client = client_as(bureau_admin)
    response = client.get(reverse("allowances:penalty_list"), {"cycle": "2024"})
    [row] = response.context["short"]
    assert (row.enterprise, row.status, row.remaining, row.short_at_deadline) == (
        enterprise_a, "complied_late", 0, 30000)
    with translation.override("zh-hans"):
        html = client.get(reverse("allowances:penalty_list"), {"cycle": "2024"},
                          HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "30,000" in html and str(row.status_label) in html
    url = reverse("allowances:penalty_open") + f"?cycle=2024&enterprise={enterprise_a.pk}"
    assert url.replace("&", "&amp;") in html
    first = client.post(url, {"deadline-correction_deadline": "2099-01-31"})
    assert is_confirmation(first) and not PenaltyCase.objects.exists()
    assert "12,000,000.00" in first.content.decode()
    client.post(url, {"deadline-correction_deadline": "2099-01-31", "step": "confirm"})
    case = PenaltyCase.objects.get()
    assert (case.tonnes_short, case.fine_min, case.fine_max) == (
        30000, Decimal("12000000.00"), Decimal("24000000.00"))
    assert client.get(reverse("allowances:penalty_list"), {"cycle": "2024"}).context["short"] == []
