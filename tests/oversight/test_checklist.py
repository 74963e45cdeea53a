"""The bureau keeps the inspection checklist: add, reword, reorder, take out of use and back,
each change with an event; points are never deleted and past inspections keep their words;
the wrong role is refused and bad input is a clear error that changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from oversight.models import ChecklistItem, Inspection, InspectionCheck
from oversight.services import checklist as services
from tests.conftest import client_for
from zhongwei_carbon.models import Event

pytestmark = pytest.mark.django_db


def _agency_points():
    return list(ChecklistItem.objects.filter(target_kind="agency")
                .order_by("sort_order", "code").values_list("code", flat=True))


def _state():
    return (list(ChecklistItem.objects.order_by("pk").values_list(
        "target_kind", "code", "text", "text_en", "sort_order", "is_active")),
        Event.objects.count())


def test_the_page_lists_both_kinds_in_order_with_their_use(bureau_admin, agency_a):
    item = ChecklistItem.objects.get(code="qualification")
    inspection = Inspection.objects.create(
        trigger="complaint", target_kind="agency", agency=agency_a, target_name=agency_a.name,
        created_by=bureau_admin)
    InspectionCheck.objects.create(inspection=inspection, item=item, point=item.text)
    html = client_for(bureau_admin).get(reverse("oversight:checklist")).content.decode()
    assert "检查要点" in html and "重点排放单位" in html and "核查机构" in html
    assert html.index("机构资质及业务范围") < html.index("核查人员资格")
    row = html[html.index(f'id="point-{item.pk}"'):]
    row = row[:row.index("</tr>")]
    assert '<td class="num">1</td>\n' in row  # used by one inspection


def test_add_reword_move_and_deactivate_with_events(bureau_admin, agency_a):
    client = client_for(bureau_admin)
    response = client.post(reverse("oversight:checklist_create"), {
        "target_kind": "agency", "code": "site_visit", "text": "现场核查记录完整",
        "text_en": "Site visit records complete"})
    assert response.status_code == 302
    item = ChecklistItem.objects.get(code="site_visit")
    assert _agency_points()[-1] == "site_visit" and item.is_active

    # an inspection opened now keeps the words as they are
    inspection = Inspection.objects.create(
        trigger="complaint", target_kind="agency", agency=agency_a, target_name=agency_a.name,
        created_by=bureau_admin)
    check = InspectionCheck.objects.create(inspection=inspection, item=item, point=item.text)

    client.post(reverse("oversight:checklist_edit", kwargs={"pk": item.pk}),
                {"text": "现场核查记录完整、可追溯", "text_en": ""})
    item.refresh_from_db()
    check.refresh_from_db()
    assert item.text == "现场核查记录完整、可追溯" and check.point == "现场核查记录完整"

    client.post(reverse("oversight:checklist_move", kwargs={"pk": item.pk}), {"direction": "up"})
    assert _agency_points()[-2:] == ["site_visit", "conflict_of_interest"]
    orders = list(ChecklistItem.objects.filter(target_kind="agency")
                  .order_by("sort_order").values_list("sort_order", flat=True))
    assert orders == list(range(1, len(orders) + 1))

    client.post(reverse("oversight:checklist_active", kwargs={"pk": item.pk}), {"active": "false"})
    item.refresh_from_db()
    assert not item.is_active and ChecklistItem.objects.filter(pk=item.pk).exists()
    verbs = list(Event.objects.filter(target_id=str(item.pk)).order_by("pk")
                 .values_list("verb", flat=True))
    assert verbs == ["checklist.added", "checklist.changed", "checklist.moved",
                     "checklist.deactivated"]
    assert Event.objects.filter(verb="checklist.changed", actor=bureau_admin).exists()

    html = client.get(reverse("oversight:checklist_edit", kwargs={"pk": item.pk})).content.decode()
    assert "现场核查记录完整" in html  # the activity of the point


def test_a_point_out_of_use_is_not_in_new_inspections(world):
    from oversight.services.inspections import inspection_open

    admin, agency = world["bureau_admin"], world["agency_a"]
    item = ChecklistItem.objects.get(code="sampling")
    services.checklist_item_set_active(actor=admin, item=item, active=False)

    def opened():
        inspection = inspection_open(
            actor=admin, trigger="complaint", trigger_note="举报", agency=agency,
            inspectors=[world["inspectors"]["expert_x"], world["inspectors"]["expert_y"]])
        return [c.item.code for c in inspection.checks.all()]

    assert "sampling" not in opened()
    services.checklist_item_set_active(actor=admin, item=item, active=True)
    assert "sampling" in opened()


@pytest.mark.parametrize("persona", ["bureau_reviewer", "official_a", "ent_a", "agency_a_staff"])
def test_other_roles_are_refused_and_nothing_changes(personas, persona):
    user = personas[persona]
    item = ChecklistItem.objects.order_by("pk").first()
    before = _state()
    client = client_for(user)
    assert client.get(reverse("oversight:checklist")).status_code == 403
    for name, data in (("checklist_create", {"target_kind": "agency", "code": "x", "text": "x"}),
                       ("checklist_edit", {"text": "changed"}),
                       ("checklist_move", {"direction": "down"}),
                       ("checklist_active", {"active": "false"})):
        kwargs = {} if name == "checklist_create" else {"pk": item.pk}
        assert client.post(reverse(f"oversight:{name}", kwargs=kwargs), data).status_code == 403
    with pytest.raises(PermissionDenied):
        services.checklist_item_update(actor=user, item=item, text="changed")
    assert _state() == before


@pytest.mark.parametrize("data, field, message", [
    ({"target_kind": "agency", "code": "qualification", "text": "重复"}, "code", "已有要点使用此代码"),
    ({"target_kind": "agency", "code": "new_point", "text": "   "}, "text", None),
    ({"target_kind": "nobody", "code": "new_point", "text": "要点"}, "target_kind", None),
    ({"target_kind": "agency", "code": "有 空格", "text": "要点"}, "code", None),
])
def test_bad_input_is_a_clear_error_and_adds_nothing(bureau_admin, data, field, message):
    before = _state()
    response = client_for(bureau_admin).post(reverse("oversight:checklist_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    if message:
        assert message in response.content.decode()
    assert _state() == before


def test_moving_past_the_ends_and_repeating_a_state_are_refused(bureau_admin):
    first = ChecklistItem.objects.filter(target_kind="enterprise").order_by("sort_order").first()
    before = _state()
    with pytest.raises(ValidationError, match="已是第一项"):
        services.checklist_item_move(actor=bureau_admin, item=first, direction="up")
    with pytest.raises(ValidationError):
        services.checklist_item_move(actor=bureau_admin, item=first, direction="sideways")
    with pytest.raises(ValidationError, match="已在使用中"):
        services.checklist_item_set_active(actor=bureau_admin, item=first, active=True)
    with pytest.raises(ValidationError) as blank:
        services.checklist_item_create(actor=bureau_admin, target_kind="agency", code="blank",
                                       text="   ")
    assert blank.value.message_dict == {"text": ["请填写检查要点。"]}
    response = client_for(bureau_admin).post(
        reverse("oversight:checklist_move", kwargs={"pk": first.pk}), {"direction": "up"},
        follow=True)
    assert "已是第一项" in response.content.decode()
    empty = client_for(bureau_admin).post(
        reverse("oversight:checklist_edit", kwargs={"pk": first.pk}), {"text": ""})
    assert empty.status_code == 200 and empty.context["form"].errors["text"]
    assert _state() == before
