"""Penalty cases for short surrender (Interim Regulations Art. 24, issue 5 §5, issue 9 §2–3),
numbers by hand: enterprise_a's verified 2024 emissions 10,000.00 t → obligation 10,000 t;
6,500 t surrendered on 20 Dec 2024 → 3,500 t short at the deadline 31 Dec 2024. Price window
1–31 Dec 2024, the published December average 88.34 CNY/t: 3,500 × 88.34 = 309,190.00; × 5 =
1,545,950.00; × 10 = 3,091,900.00. Correction deadline 31 Jan 2025; nothing more surrendered →
cut 3,500 t.

Surrenders are dated by their ledger entry's time: ``on(day)`` runs a surrender on that
Asia/Shanghai day."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from allowances.choices import EntryKind, UnitType
from allowances.models import (
    ComplianceCycle,
    DailyPrice,
    Holding,
    LedgerEntry,
    MonthlyPrice,
    PenaltyCase,
)
from allowances.selectors import penalties as sel
from allowances.services import ledger
from allowances.services import penalties as svc
from tests import factories as f
from tests.allowances.dated import on
from tests.two_step import post_and_confirm

pytestmark = pytest.mark.django_db
AFTER = date(2025, 1, 1)
CORRECT_BY = date(2025, 1, 31)
PASSED = date(2025, 2, 1)


@pytest.fixture
def setup(enterprise_a, bureau_admin):
    cycle = f.cycle_with_deadline(2024, date(2024, 12, 31))
    next_cycle = ComplianceCycle.objects.create(year=2025, name="2025")
    f.obliged(enterprise_a, 2024, "10000.00")
    account = ledger.account_for(enterprise_a)
    ledger.allocate(actor=bureau_admin, account=account, cycle=cycle, vintage=2024, quantity=6500)
    with on(date(2024, 12, 20)):
        ledger.surrender(
            actor=bureau_admin, account=account, cycle=cycle, obligation=10000, cea=[(2024, 6500)]
        )
    return {"cycle": cycle, "next": next_cycle, "account": account}


def price(admin, value="88.34", month=date(2024, 12, 1)):
    return svc.price_set(actor=admin, month=month, average_price=Decimal(value), source="SEEE")


def opened(setup, enterprise_a, admin, correction_deadline=CORRECT_BY):
    price(admin)
    return svc.penalty_open(actor=admin, cycle=setup["cycle"], enterprise=enterprise_a,
                            correction_deadline=correction_deadline, today=AFTER)


def test_range_and_cut_by_hand(setup, enterprise_a, bureau_admin):
    case = opened(setup, enterprise_a, bureau_admin)
    assert case.tonnes_short == 3500
    assert case.price == Decimal("88.34")
    assert case.fine_min == Decimal("1545950.00")
    assert case.fine_max == Decimal("3091900.00")
    assert (case.price_window_start, case.price_window_end) == (date(2024, 12, 1), date(2024, 12, 31))
    assert case.price_basis == "month" and case.correction_deadline == CORRECT_BY
    assert case.next_year_cut is None  # known once the correction deadline has passed
    assert sel.figures(case, PASSED).cut == 3500
    assert case.status == "open" and not case.cut_applied


def test_open_on_the_deadline_refused(setup, enterprise_a, bureau_admin):
    price(bureau_admin)
    with pytest.raises(ValidationError):
        svc.penalty_open(
            actor=bureau_admin, cycle=setup["cycle"], enterprise=enterprise_a,
            correction_deadline=CORRECT_BY, today=date(2024, 12, 31),
        )
    assert not PenaltyCase.objects.exists()


def test_missing_price_refused_with_the_window(setup, enterprise_a, bureau_admin):
    price(bureau_admin, month=date(2024, 11, 1))  # the old rule's month: not the window
    with pytest.raises(ValidationError) as exc:
        svc.penalty_open(actor=bureau_admin, cycle=setup["cycle"], enterprise=enterprise_a,
                         correction_deadline=CORRECT_BY, today=AFTER)
    assert "2024-12-01 – 2024-12-31" in str(exc.value)
    assert not PenaltyCase.objects.exists()


def test_correction_deadline_required_and_after_the_surrender_deadline(
    setup, enterprise_a, bureau_admin
):
    price(bureau_admin)
    for bad in (None, date(2024, 12, 31)):
        with pytest.raises(ValidationError) as exc:
            svc.penalty_open(actor=bureau_admin, cycle=setup["cycle"], enterprise=enterprise_a,
                             correction_deadline=bad, today=AFTER)
        assert "correction_deadline" in exc.value.error_dict
    assert not PenaltyCase.objects.exists()


def test_not_short_and_twice_refused(setup, enterprise_a, enterprise_b, bureau_admin):
    opened(setup, enterprise_a, bureau_admin)
    with pytest.raises(ValidationError):
        svc.penalty_open(actor=bureau_admin, cycle=setup["cycle"], enterprise=enterprise_a,
                         correction_deadline=CORRECT_BY, today=AFTER)
    with pytest.raises(ValidationError):  # no verified figure: nothing due
        svc.penalty_open(actor=bureau_admin, cycle=setup["cycle"], enterprise=enterprise_b,
                         correction_deadline=CORRECT_BY, today=AFTER)
    assert PenaltyCase.objects.count() == 1


def test_only_the_bureau_admin(setup, enterprise_a, bureau_reviewer):
    with pytest.raises(PermissionDenied):
        svc.price_set(actor=bureau_reviewer, month=date(2024, 11, 1),
                      average_price=Decimal("1"), source="x")
    with pytest.raises(PermissionDenied):
        svc.penalty_open(actor=bureau_reviewer, cycle=setup["cycle"], enterprise=enterprise_a,
                         correction_deadline=CORRECT_BY, today=AFTER)


def test_price_update_keeps_history(bureau_admin):
    first = price(bureau_admin, "80.00")
    again = price(bureau_admin, "88.34")
    assert first.pk == again.pk and MonthlyPrice.objects.count() == 1
    assert again.history.count() == 2


def test_fine_outside_the_range_refused(setup, enterprise_a, bureau_admin):
    case = opened(setup, enterprise_a, bureau_admin)
    for fine in ("1545949.99", "3091900.01"):
        with pytest.raises(ValidationError) as exc:
            svc.penalty_decide(actor=bureau_admin, case=case, fine=Decimal(fine))
        assert "fine_decided" in exc.value.error_dict
    case.refresh_from_db()
    assert case.fine_decided is None and case.status == "open"
    svc.penalty_decide(actor=bureau_admin, case=case, fine=Decimal("1545950.00"))
    case.refresh_from_db()
    assert case.fine_decided == Decimal("1545950.00") and case.status == "decided"


def test_cut_waits_for_units_then_applies_once(setup, enterprise_a, bureau_admin):
    case = opened(setup, enterprise_a, bureau_admin)
    ledger.allocate(actor=bureau_admin, account=setup["account"], cycle=setup["next"],
                    vintage=2025, quantity=1)
    with translation.override("en"), pytest.raises(ValidationError, match="Decide"):
        svc.penalty_apply_cut(actor=bureau_admin, case=case, next_cycle=setup["next"])
    ledger.post(actor=bureau_admin, movements=[ledger.Movement(
        setup["account"], UnitType.CEA, 2025, -1, EntryKind.CANCELLATION)])
    case = svc.penalty_decide(actor=bureau_admin, case=case, fine=Decimal("1545950.00"))
    with pytest.raises(ValidationError):  # nothing of vintage 2025 held yet
        svc.penalty_apply_cut(actor=bureau_admin, case=case, next_cycle=setup["next"])
    case.refresh_from_db()
    assert not case.cut_applied
    assert not LedgerEntry.objects.filter(kind=EntryKind.NEXT_YEAR_CUT).exists()

    ledger.allocate(actor=bureau_admin, account=setup["account"], cycle=setup["next"],
                    vintage=2025, quantity=7999)
    svc.penalty_apply_cut(actor=bureau_admin, case=case, next_cycle=setup["next"])
    entry = LedgerEntry.objects.get(kind=EntryKind.NEXT_YEAR_CUT)
    assert entry.quantity == -3500 and entry.cycle == setup["next"]
    holding = Holding.objects.get(account=setup["account"], unit_type=UnitType.CEA, vintage=2025)
    assert holding.quantity == 1 - 1 + 7999 - 3500 == 4499
    case.refresh_from_db()
    assert case.cut_applied

    with pytest.raises(ValidationError):
        svc.penalty_apply_cut(actor=bureau_admin, case=case, next_cycle=setup["next"])
    holding.refresh_from_db()
    assert holding.quantity == 4499
    assert LedgerEntry.objects.filter(kind=EntryKind.NEXT_YEAR_CUT).count() == 1


# --- pages -----------------------------------------------------------------------------------


def test_list_shows_short_and_open_button_opens(setup, enterprise_a, bureau_admin, client_as):
    price(bureau_admin)
    client = client_as(bureau_admin)
    response = client.get(reverse("allowances:penalty_list") + "?cycle=2024",
                          HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert [r.enterprise for r in response.context["short"]] == [enterprise_a]
    # the button says what it does (立案), not the case status "Open" (办理中)
    with translation.override("zh-hans"):
        html = client.get(reverse("allowances:penalty_list") + "?cycle=2024").content.decode()
    assert ">立案</button>" in html and ">办理中</button>" not in html
    response = client.post(reverse("allowances:penalty_open"),
                           {"cycle": "2024", "enterprise": str(enterprise_a.pk)})
    assert response.status_code == 200 and not PenaltyCase.objects.exists()  # no deadline
    assert response.context["form"].errors["correction_deadline"]
    response = post_and_confirm(client, reverse("allowances:penalty_open"),
                                {"cycle": "2024", "enterprise": str(enterprise_a.pk),
                                 "deadline-correction_deadline": "2099-01-31"})
    case = PenaltyCase.objects.get()
    assert response.status_code == 302 and case.fine_max == Decimal("3091900.00")
    response = client.get(reverse("allowances:penalty_list") + "?cycle=2024")
    assert response.context["short"] == [] and list(response.context["page_obj"]) == [case]


def test_list_scoping(setup, enterprise_a, bureau_admin, official_b, ent_b, official_a, client_as):
    case = opened(setup, enterprise_a, bureau_admin)
    url = reverse("allowances:penalty_list") + "?cycle=2024"
    for user, expected in ((official_a, [case]), (official_b, []), (ent_b, [])):
        response = client_as(user).get(url)
        assert list(response.context["page_obj"]) == expected
        assert response.context["can_manage"] is False
    url = reverse("allowances:penalty_detail", kwargs={"pk": case.pk})
    assert client_as(official_b).get(url).status_code == 404
    assert client_as(official_a).get(url).status_code == 200
    assert client_as(official_a).post(url, {"fine_decided": "1545950"}).status_code == 403


def test_decide_form_error_changes_nothing(setup, enterprise_a, bureau_admin, client_as):
    case = opened(setup, enterprise_a, bureau_admin)
    url = reverse("allowances:penalty_detail", kwargs={"pk": case.pk})
    response = client_as(bureau_admin).post(url, {"fine_decided": "100"})
    assert response.status_code == 200 and "fine_decided" in response.context["form"].errors
    case.refresh_from_db()
    assert case.fine_decided is None
    response = client_as(bureau_admin).post(url, {"fine_decided": "2000000.00"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.fine_decided == Decimal("2000000.00")


def test_cut_page_confirms_then_posts(setup, enterprise_a, bureau_admin, client_as):
    case = svc.penalty_decide(
        actor=bureau_admin, case=opened(setup, enterprise_a, bureau_admin),
        fine=Decimal("1545950.00"),
    )
    ledger.allocate(actor=bureau_admin, account=setup["account"], cycle=setup["next"],
                    vintage=2025, quantity=3500)
    url = reverse("allowances:penalty_cut", kwargs={"pk": case.pk})
    client = client_as(bureau_admin)
    assert client.get(url).status_code == 200
    case.refresh_from_db()
    assert not case.cut_applied  # GET only asks
    response = client.post(url, {"next_cycle": str(setup["next"].pk)})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.cut_applied
    response = client.post(url, {"next_cycle": str(setup["next"].pk)})
    assert response.status_code == 200 and response.context["form"].errors
    assert Holding.objects.get(account=setup["account"], vintage=2025).quantity == 0


def test_price_page(bureau_admin, bureau_reviewer, client_as):
    url = reverse("allowances:price_list")
    response = client_as(bureau_admin).post(url, {"month": "2024-13", "average_price": "88.34",
                                                  "source": "SEEE"})
    assert "month" in response.context["form"].errors and not MonthlyPrice.objects.exists()
    response = client_as(bureau_admin).post(url, {"month": "2024-11", "average_price": "88.34",
                                                  "source": "SEEE"})
    assert response.status_code == 302
    assert MonthlyPrice.objects.get().month == date(2024, 11, 1)
    response = client_as(bureau_admin).post(url, {"kind": "day", "day-day": "2024-12-02",
                                                  "day-average_price": "88.10",
                                                  "day-volume": "0", "day-source": "SEEE"})
    assert "volume" in response.context["day_form"].errors and not DailyPrice.objects.exists()
    response = client_as(bureau_admin).post(url, {"kind": "day", "day-day": "2024-12-02",
                                                  "day-average_price": "88.10",
                                                  "day-volume": "125000", "day-source": "SEEE"})
    assert response.status_code == 302
    assert DailyPrice.objects.get().volume == 125000
    assert client_as(bureau_reviewer).get(url).status_code == 200
    assert client_as(bureau_reviewer).post(url, {}).status_code == 403


# --- exports -----------------------------------------------------------------------------------


def _sheet(response):
    import io

    import openpyxl

    assert response.status_code == 200
    return list(openpyxl.load_workbook(io.BytesIO(response.getvalue())).active.iter_rows(
        values_only=True))


def test_penalty_export_rows_and_scoping(setup, enterprise_a, bureau_admin, official_a,
                                         official_b, ent_b, agency_a_staff, client_as):
    from django.utils import translation

    case = opened(setup, enterprise_a, bureau_admin)
    svc.penalty_decide(actor=bureau_admin, case=case, fine=Decimal("2000000.00"))
    url = reverse("allowances:penalty_export")
    rows = _sheet(client_as(official_a).get(url, {"cycle": "2024"}))
    assert len(rows) == 2 and len(rows[0]) == 16
    with translation.override("zh-hans"):
        no = str(translation.gettext("No"))
        decided = str(translation.pgettext("penalty case status", "Decided"))
    assert rows[1] == (
        enterprise_a.name, enterprise_a.uscc, str(enterprise_a.area), 2024,
        3500, datetime(2024, 12, 1), datetime(2024, 12, 31), 88.34, 1545950, 3091900, 2000000,
        datetime(2025, 1, 31), 3500, 3500, no, decided,
    )
    # the page's scope: another area and another enterprise see no case, an agency no page
    assert len(_sheet(client_as(official_b).get(url, {"cycle": "2024"}))) == 1
    assert len(_sheet(client_as(ent_b).get(url, {"cycle": "2024"}))) == 1
    assert client_as(agency_a_staff).get(url).status_code == 403
    # the page's cycle: without ?cycle the newest (2025, no case)
    assert len(_sheet(client_as(bureau_admin).get(url))) == 1


def test_price_export_newest_first(bureau_admin, ent_b, agency_a_staff, client_as):
    price(bureau_admin, month=date(2024, 11, 1))
    price(bureau_admin, "90.10")
    svc.price_day_set(actor=bureau_admin, day=date(2024, 12, 2), average_price=Decimal("89.50"),
                      volume=125000, source="SEEE")
    url = reverse("allowances:price_export")
    rows = _sheet(client_as(ent_b).get(url))
    with translation.override("zh-hans"):
        day, month = str(translation.gettext("Trading day")), str(translation.gettext("Monthly average"))
    assert rows[1:] == [("2024-12-02", day, 89.5, 125000, "SEEE"),
                        ("2024-12", month, 90.1, None, "SEEE"),
                        ("2024-11", month, 88.34, None, "SEEE")]
    assert client_as(agency_a_staff).get(url).status_code == 403


def test_decision_document_download_is_scoped(setup, enterprise_a, bureau_admin, ent_a, ent_b,
                                              client_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = opened(setup, enterprise_a, bureau_admin)
    svc.penalty_decide(actor=bureau_admin, case=case, fine=Decimal("1545950.00"),
                       document=SimpleUploadedFile("决定书.pdf", b"%PDF-1.4 decision"))
    url = reverse("allowances:penalty_document", kwargs={"pk": case.pk})
    response = client_as(ent_a).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 decision"
    assert client_as(ent_b).get(url).status_code == 404
    detail = client_as(ent_a).get(reverse("allowances:penalty_detail", kwargs={"pk": case.pk}))
    assert url in detail.content.decode() and "/media/" not in detail.content.decode()


# --- issue 9 §8: opening a case is checked, then confirmed; §9: no database ids -------------


def test_open_case_is_checked_then_confirmed(setup, enterprise_a, bureau_admin, bureau_reviewer,
                                             official_a, ent_a, client_as):
    import re

    from tests.two_step import is_confirmation

    price(bureau_admin)
    client = client_as(bureau_admin)
    url = reverse("allowances:penalty_open")
    base = {"cycle": "2024", "enterprise": str(enterprise_a.pk)}
    listing = client.get(reverse("allowances:penalty_list") + "?cycle=2024").content.decode()
    assert "confirm(" not in listing
    # invalid deadline (before the surrender deadline): the form again, in Chinese, no case
    with translation.override("zh-hans"):
        response = client.post(url, {**base, "deadline-correction_deadline": "2024-06-30"},
                               HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and not is_confirmation(response)
    error = response.context["form"].errors["correction_deadline"][0]
    assert error in response.content.decode() and re.search("[\u4e00-\u9fff]", error)
    assert not PenaltyCase.objects.exists()
    # valid: the confirmation page states what will be recorded; nothing opened yet
    with translation.override("zh-hans"):
        first = client.post(url, {**base, "deadline-correction_deadline": "2099-01-31"},
                            HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert is_confirmation(first)
    html = first.content.decode()
    for text in (enterprise_a.name, "3,500", "1,545,950.00", "3,091,900.00", "88.34",
                 "2024-12-01 – 2024-12-31", "2099-01-31", "2024-12-31"):
        assert text in html, text
    assert not PenaltyCase.objects.exists()
    # confirm: opened
    done = client.post(first.context["action_url"],
                       {"deadline-correction_deadline": "2099-01-31", "step": "confirm"})
    case = PenaltyCase.objects.get()
    assert done.status_code == 302 and (case.tonnes_short, case.correction_deadline) == (
        3500, date(2099, 1, 31))
    # wrong role: refused, nothing opened
    for user in (bureau_reviewer, official_a, ent_a):
        response = client_as(user).post(url, {**base, "deadline-correction_deadline": "2099-01-31",
                                              "step": "confirm"})
        assert response.status_code == 403
    assert PenaltyCase.objects.count() == 1


def test_cases_list_names_the_enterprise_not_the_id(setup, enterprise_a, bureau_admin, client_as):
    case = opened(setup, enterprise_a, bureau_admin)
    html = client_as(bureau_admin).get(
        reverse("allowances:penalty_list") + "?cycle=2024").content.decode()
    detail = reverse("allowances:penalty_detail", kwargs={"pk": case.pk})
    assert f'<a href="{detail}">{enterprise_a.name}</a>' in html
    assert f">{case.pk}</a>" not in html and "<th>#</th>" not in html


def test_documents_are_stored_and_served_as_their_detected_type(setup, enterprise_a,
                                                                bureau_admin, ent_a, client_as):
    """Issue 10 §4: `evil.pdf.exe` starting with %PDF- is stored as .pdf and served as a PDF
    attachment; a file stored earlier under a wrong extension is served by its bytes too."""
    from django.core.files.base import ContentFile
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = opened(setup, enterprise_a, bureau_admin)
    svc.penalty_decide(actor=bureau_admin, case=case, fine=Decimal("1545950.00"),
                       document=SimpleUploadedFile("evil.pdf.exe", b"%PDF-1.4 decision",
                                                   content_type="application/x-msdownload"))
    case.refresh_from_db()
    assert case.decision_document.name.endswith(".pdf")
    assert ".exe" not in case.decision_document.name and "evil" in case.decision_document.name
    url = reverse("allowances:penalty_document", kwargs={"pk": case.pk})
    response = client_as(ent_a).get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".pdf" in response["Content-Disposition"] and ".exe" not in response["Content-Disposition"]
    # stored before this rule under the uploader's extension: served by what the bytes are
    case.decision_document.save("old.exe", ContentFile(b"%PDF-1.4 old"), save=True)
    response = client_as(ent_a).get(url)
    assert response["Content-Type"] == "application/pdf"
    assert ".exe" not in response["Content-Disposition"]


def test_short_list_queries_do_not_grow_with_the_short_enterprises(setup, enterprise_a,
                                                                   bureau_admin, client_as):
    """The list reads what each short enterprise had surrendered by the deadline in one query,
    not two per row (obligation and surrenders)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(bureau_admin)
    url = reverse("allowances:penalty_list") + "?cycle=2024"

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        return len(response.context["short"]), len(queries)

    few = count()
    for _ in range(4):
        other = f.EnterpriseFactory(area=enterprise_a.area)
        f.obliged(other, 2024, "5000.00")
    many = count()
    assert (few[0], many[0]) == (1, 5)
    assert many[1] == few[1]
