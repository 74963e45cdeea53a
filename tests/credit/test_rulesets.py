"""Rule sets as the bureau keeps them: the default draft, drafts created, edited, deleted and
published under a document number; a published set is frozen everywhere."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.urls import reverse

from credit.choices import EventKind, RuleSetStatus, SubjectKind
from credit.models import GroupCap, RuleLine, RuleSet
from credit.services import rulesets as services
from tests.conftest import client_for
from tests.credit.rule_helpers import default_draft, published
from zhongwei_carbon import events

pytestmark = pytest.mark.django_db


def test_the_default_rule_set_is_a_draft_without_a_document_number_pricing_every_kind():
    rs = default_draft()
    assert rs.status == RuleSetStatus.DRAFT and rs.document_number == ""
    assert rs.effective_year == 2025 and "信用评价" in rs.title
    ent = {line.kind: line for line in rs.lines.filter(subject_kind=SubjectKind.ENTERPRISE)}
    agency = {line.kind: line for line in rs.lines.filter(subject_kind=SubjectKind.AGENCY)}
    assert set(ent) == set(EventKind.values) - {EventKind.VIOLATION_ART23,
                                                 EventKind.AGENCY_SUSPENDED}
    assert {EventKind.VIOLATION_ART23, EventKind.AGENCY_SUSPENDED,
            EventKind.RECTIFICATION_OVERDUE, EventKind.COMPLAINT_SUBSTANTIATED,
            EventKind.MANUAL_DEDUCTION, EventKind.MANUAL_CREDIT} <= set(agency)
    assert {k for k, line in ent.items() if line.veto} == {EventKind.VIOLATION_ART22,
                                                            EventKind.ART24_NOT_CORRECTED}
    assert {k for k, line in agency.items() if line.veto} == {EventKind.VIOLATION_ART23,
                                                               EventKind.AGENCY_SUSPENDED}
    assert ent[EventKind.VERIFIED_DEVIATION].threshold == D("5")
    assert ent[EventKind.REPORT_RETURNED].from_occurrence == 3
    assert all(line.note for line in rs.lines.all())
    assert "150号" in ent[EventKind.VIOLATION_ART22].note
    assert "第二十二条" in ent[EventKind.VIOLATION_ART22].note
    assert rs.caps.count() == 5
    for line in rs.lines.all():  # breaches take points off, merits add
        merit = line.kind in (EventKind.SURRENDER_ON_TIME, EventKind.MANUAL_CREDIT)
        assert (line.points > 0) == merit


def test_a_draft_is_created_empty_or_as_a_copy_and_the_copy_leaves_the_source_alone(
        client_as, bureau_admin):
    client = client_as(bureau_admin)
    source = default_draft()
    response = client.post(reverse("credit:rule_set_create"), {
        "version": "2026-1", "effective_year": 2026, "title": "规则2026", "base_score": "100",
        "green_from": "90", "blue_from": "75", "yellow_from": "60", "copy_from": source.pk,
    })
    copy = RuleSet.objects.get(version="2026-1")
    assert response.status_code == 302
    assert copy.lines.count() == source.lines.count() == 23
    assert copy.caps.count() == source.caps.count() == 5
    assert source.lines.count() == 23
    assert events.for_object(copy).get().verb == "credit.rule_set_created"
    client.post(reverse("credit:rule_set_create"), {
        "version": "empty", "effective_year": 2027, "title": "空", "base_score": "100",
        "green_from": "90", "blue_from": "75", "yellow_from": "60",
    })
    assert RuleSet.objects.get(version="empty").lines.count() == 0


def test_thresholds_out_of_order_are_refused_with_a_message(client_as, bureau_admin):
    response = client_as(bureau_admin).post(reverse("credit:rule_set_create"), {
        "version": "bad", "effective_year": 2026, "title": "x", "base_score": "100",
        "green_from": "70", "blue_from": "75", "yellow_from": "60",
    })
    assert response.status_code == 200
    assert "绿牌高于蓝牌" in response.content.decode()
    assert "credit_rule_set_thresholds_ordered" not in response.content.decode()
    assert not RuleSet.objects.filter(version="bad").exists()


def _edit_data(rs, **header):
    """The edit page's POST as the page sends it, with the set's lines and caps unchanged."""
    data = {f"h-{k}": str(getattr(rs, k)) for k in services.HEADER_FIELDS}
    data.update({f"h-{k}": v for k, v in header.items()})
    lines = list(rs.lines.order_by("subject_kind", "group", "kind"))
    caps = list(rs.caps.order_by("group"))
    data.update({"line-TOTAL_FORMS": len(lines), "line-INITIAL_FORMS": len(lines),
                 "cap-TOTAL_FORMS": len(caps), "cap-INITIAL_FORMS": len(caps)})
    for i, line in enumerate(lines):
        for f in services.LINE_FIELDS:
            value = getattr(line, f)
            if f == "veto":
                if value:
                    data[f"line-{i}-veto"] = "on"
                continue
            data[f"line-{i}-{f}"] = "" if value is None else str(value)
    for i, cap in enumerate(caps):
        for f in services.CAP_FIELDS:
            data[f"cap-{i}-{f}"] = str(getattr(cap, f))
    return data


def _snapshot(rs):
    rs.refresh_from_db()
    return (
        [(f, getattr(rs, f)) for f in services.HEADER_FIELDS],
        list(rs.lines.order_by("pk").values_list(*services.LINE_FIELDS)),
        list(rs.caps.order_by("pk").values_list(*services.CAP_FIELDS)),
    )


def test_the_draft_is_edited_header_lines_and_caps_at_once(client_as, bureau_admin):
    rs = default_draft()
    data = _edit_data(rs, title="修订稿", green_from="92")
    # change a line's points, remove another, add a new one, change a cap
    lines = list(rs.lines.order_by("subject_kind", "group", "kind"))
    i_late = next(i for i, line in enumerate(lines) if line.kind == "report_late")
    data[f"line-{i_late}-points"] = "-6"
    data["line-0-DELETE"] = "on"
    n = len(lines)
    data["line-TOTAL_FORMS"] = n + 1
    data.update({f"line-{n}-subject_kind": "agency", f"line-{n}-kind": "verified_deviation",
                 f"line-{n}-group": "data_quality", f"line-{n}-points": "-4",
                 f"line-{n}-from_occurrence": "1", f"line-{n}-years": "2",
                 f"line-{n}-threshold": "10", f"line-{n}-note": "测试"})
    data["cap-0-floor"] = "-25"
    response = client_as(bureau_admin).post(reverse("credit:rule_set_edit", args=[rs.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    rs.refresh_from_db()
    assert rs.title == "修订稿" and rs.green_from == D("92")
    assert rs.lines.get(subject_kind="enterprise", kind="report_late").points == D("-6")
    assert not rs.lines.filter(pk=lines[0].pk).exists()
    assert rs.lines.get(subject_kind="agency", kind="verified_deviation").threshold == D("10")
    assert rs.caps.order_by("group").first().floor == D("-25")
    edited = events.for_object(rs).get(verb="credit.rule_set_edited")
    assert edited.data["lines"] == {"added": 1, "changed": 1, "deleted": 1}
    assert rs.history.first().title == "修订稿"  # simple_history keeps every change
    assert RuleLine.history.filter(rule_set_id=rs.pk, history_type="-").count() == 1


@pytest.mark.parametrize("change, message", [
    ({"h-green_from": "70"}, "绿牌高于蓝牌"),  # thresholds out of order
    ({"cap-0-floor": "5"}, "最高扣分须为零或负数"),  # a cap of the wrong sign
    ({"cap-0-ceiling": "-1"}, "最高加分须为零或正数"),
    ({"line-1-kind": "__same_as_0__"}, "两条规则条目"),  # one line per kind and subject kind
    ({"line-0-points": "abc"}, ""),
    ({"line-0-from_occurrence": "0"}, ""),
])
def test_an_invalid_edit_says_why_and_changes_nothing(client_as, bureau_admin, change, message):
    rs = default_draft()
    before = _snapshot(rs)
    data = _edit_data(rs, title="不应保存")
    data["line-0-points"] = "-99"  # a valid change that must not be saved either
    for key, value in change.items():
        if value == "__same_as_0__":
            data["line-1-subject_kind"] = data["line-0-subject_kind"]
            value = data["line-0-kind"]
        data[key] = value
    response = client_as(bureau_admin).post(reverse("credit:rule_set_edit", args=[rs.pk]),
                                            data)
    assert response.status_code == 200
    ctx = response.context
    errors = [str(ctx["header"].errors), str(ctx["lines"].errors),
              str(ctx["lines"].non_form_errors()), str(ctx["caps"].errors),
              str(ctx["caps"].non_form_errors())]
    assert any(e.strip("[]{}, ") for e in errors)
    assert message in " ".join(errors)
    assert "未保存任何内容" in response.content.decode()
    assert _snapshot(rs) == before
    assert not events.for_object(rs).filter(verb="credit.rule_set_edited").exists()


def test_publishing_needs_a_document_number_and_is_confirmed_first(client_as, bureau_admin):
    rs = default_draft()
    client = client_as(bureau_admin)
    url = reverse("credit:rule_set_publish", args=[rs.pk])
    response = client.post(url, {"document_number": " "})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(url, {"document_number": "卫环测〔2025〕1号"})
    assert response.status_code == 200 and "confirm-step" in response.content.decode()
    rs.refresh_from_db()
    assert rs.status == RuleSetStatus.DRAFT  # nothing done before the confirmation
    response = client.post(url, {"document_number": "卫环测〔2025〕1号", "step": "confirm"})
    assert response.status_code == 302
    rs.refresh_from_db()
    assert rs.status == RuleSetStatus.PUBLISHED and rs.document_number == "卫环测〔2025〕1号"
    assert rs.published_by == bureau_admin and rs.published_at
    assert events.for_object(rs).filter(verb="credit.rule_set_published").exists()


def test_one_published_set_per_effective_year(bureau_admin):
    published(bureau_admin, year=2025, version="A")
    other = services.create_rule_set(actor=bureau_admin, version="B", effective_year=2025,
                                     title="x", copy_from=default_draft())
    with pytest.raises(ValidationError, match="已发布评价规则"):
        services.publish(actor=bureau_admin, rule_set=other, document_number="n")
    other.refresh_from_db()
    assert other.status == RuleSetStatus.DRAFT


def test_a_set_without_lines_cannot_be_published(bureau_admin):
    empty = services.create_rule_set(actor=bureau_admin, version="E", effective_year=2030,
                                     title="x")
    with pytest.raises(ValidationError):
        services.check_publish(rule_set=empty, document_number="n")


def test_a_published_set_refuses_every_edit_with_a_clear_message(client_as, bureau_admin):
    rs = published(bureau_admin)
    before = _snapshot(rs)
    client = client_as(bureau_admin)
    for name in ("credit:rule_set_edit", "credit:rule_set_delete", "credit:rule_set_publish"):
        url = reverse(name, args=[rs.pk])
        response = client.get(url, follow=True)
        assert "冻结" in response.content.decode()
        response = client.post(url, _edit_data(rs, title="x") | {"document_number": "n",
                                                                 "step": "confirm"})
        assert response.status_code == 302
    assert _snapshot(rs) == before and RuleSet.objects.filter(pk=rs.pk).exists()
    with pytest.raises(ValidationError, match="frozen|冻结"):
        services.save_draft(actor=bureau_admin, rule_set=rs, header={}, lines=[], caps=[])
    with pytest.raises(ValidationError):
        services.delete_draft(actor=bureau_admin, rule_set=rs)


def test_the_database_refuses_changes_to_a_published_set(bureau_admin):
    rs = published(bureau_admin)
    for attempt in (
        lambda: RuleSet.objects.filter(pk=rs.pk).update(title="x"),
        lambda: RuleLine.objects.filter(rule_set=rs).update(points=D("0")),
        lambda: GroupCap.objects.filter(rule_set=rs).delete(),
        lambda: RuleLine.objects.create(rule_set=rs, subject_kind="agency", kind="report_late",
                                        group="reporting", points=D("-1")),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()


def test_a_draft_is_deleted_after_a_confirmation(client_as, bureau_admin):
    rs = services.create_rule_set(actor=bureau_admin, version="D", effective_year=2030,
                                  title="x", copy_from=default_draft())
    client = client_as(bureau_admin)
    url = reverse("credit:rule_set_delete", args=[rs.pk])
    assert client.get(url).status_code == 200 and RuleSet.objects.filter(pk=rs.pk).exists()
    assert client.post(url).status_code == 302
    assert not RuleSet.objects.filter(pk=rs.pk).exists()
    assert not RuleLine.objects.filter(rule_set_id=rs.pk).exists()


def test_reviewers_read_and_may_not_change(client_as, bureau_reviewer):
    rs = default_draft()
    client = client_as(bureau_reviewer)
    assert client.get(reverse("credit:rule_set_list")).status_code == 200
    page = client.get(reverse("credit:rule_set_detail", args=[rs.pk]))
    assert page.status_code == 200 and reverse("credit:rule_set_edit", args=[rs.pk]) not in (
        page.content.decode())
    assert client.post(reverse("credit:rule_set_edit", args=[rs.pk]), _edit_data(rs, title="x")
                       ).status_code == 403
    assert client.post(reverse("credit:rule_set_delete", args=[rs.pk])).status_code == 403
    assert RuleSet.objects.filter(pk=rs.pk, title=rs.title).exists()


def test_the_detail_page_shows_groups_caps_thresholds_and_vetoes(client_as, bureau_admin):
    rs = default_draft()
    html = client_as(bureau_admin).get(reverse("credit:rule_set_detail", args=[rs.pk])
                                       ).content.decode()
    assert "一票否决" in html or "否决" in html
    assert "5.00" in html and "-30" in html
    assert "环发〔2013〕150号" in html


def test_the_lines_export_to_excel(client_as, bureau_reviewer):
    import io

    from openpyxl import load_workbook

    rs = default_draft()
    response = client_as(bureau_reviewer).get(reverse("credit:rule_set_export", args=[rs.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 1 + 23


def test_the_api_lists_rule_sets_with_their_lines(bureau_reviewer):
    rs = default_draft()
    client = client_for(bureau_reviewer)
    listed = client.get(reverse("api:credit-rule-set-list")).json()
    rows = listed.get("results", listed)
    assert [r["version"] for r in rows] == ["2025-1"]
    detail = client.get(reverse("api:credit-rule-set-detail", args=[rs.pk])).json()
    assert len(detail["lines"]) == 23 and len(detail["caps"]) == 5
