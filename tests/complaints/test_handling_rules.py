"""Handling rules of issue 13: no handler investigates his own area's officials or his own
enterprise / agency; merges end at a root (no chains, no circles) and the filer of a merged
complaint reads the root's public answer; the filer's name is labelled as a person's name;
the looks at the identity are the bureau admins' access log, never a handler's reading."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from complaints import rules, services
from complaints.choices import TargetKind
from complaints.models import Complaint
from complaints.views.public import _public_view
from tests import factories as f
from tests.complaints.conftest import FILER_CONTACT, FILER_NAME, answer
from tests.conftest import client_for
from zhongwei_carbon.models import Event
from zhongwei_carbon.roles import Role

pytestmark = pytest.mark.django_db


def _body(response) -> str:
    if response.streaming:
        wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        return "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                         for v in row)
    return response.content.decode()


# --- 1. conflicts of interest ----------------------------------------------------------------


def test_the_rule_names_the_conflicts():
    kw = {"area_id": 1, "enterprise_id": None, "agency_id": None}
    assert rules.handler_conflict(target_kind=TargetKind.OFFICIAL, official_of=[1], **kw) == \
        rules.CONFLICT_OWN_AREA
    assert rules.handler_conflict(target_kind=TargetKind.OFFICIAL, official_of=[2], **kw) == ""
    # a county handles the enterprises of its own area: no conflict
    assert rules.handler_conflict(target_kind=TargetKind.ENTERPRISE, official_of=[1],
                                  area_id=1, enterprise_id=5, agency_id=None) == ""
    assert rules.handler_conflict(target_kind=TargetKind.ENTERPRISE, enterprises=[5],
                                  area_id=1, enterprise_id=5, agency_id=None) == \
        rules.CONFLICT_MEMBER
    assert rules.handler_conflict(target_kind=TargetKind.AGENCY, agencies=[9], area_id=None,
                                  enterprise_id=None, agency_id=9) == rules.CONFLICT_MEMBER


@pytest.fixture
def about_official(area_a, bureau_admin):
    """A complaint filed on the public form about an official of area_a, accepted."""
    response = Client().post(reverse("complaints_public:complaint_new"), {
        "category": "other", "description": "区生态环境分局某工作人员收受企业好处",
        "target_text": "沙坡头区某科长", "official_area": area_a.pk, **answer()})
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.target_kind == "official" and complaint.area == area_a
    return services.complaint_accept(actor=bureau_admin, complaint=complaint)


def test_a_complaint_about_an_official_is_not_assigned_to_his_own_area(
        about_official, bureau_admin, official_a, official_b, bureau_reviewer):
    complaint = about_official
    url = reverse("complaints:complaint_assign", args=[complaint.pk])
    admin = client_for(bureau_admin)
    offered = {u.pk for u in admin.get(url).context["form"].fields["handler"].queryset}
    assert official_a.pk not in offered
    assert {official_b.pk, bureau_reviewer.pk} <= offered
    # posting him anyway: refused, nothing changed
    assert admin.post(url, {"handler": official_a.pk, "working_days": 15}).status_code == 200
    with pytest.raises(ValidationError) as refused:
        services.complaint_assign(actor=bureau_admin, complaint=complaint, handler=official_a)
    with translation.override("zh-hans"):
        message = " ".join(refused.value.messages)
    assert "沙坡头区" in message and "工作人员" in message
    complaint.refresh_from_db()
    assert complaint.status == "accepted" and complaint.handler is None
    # another county may
    services.complaint_assign(actor=bureau_admin, complaint=complaint, handler=official_b)
    assert Complaint.objects.get().handler == official_b


def test_a_member_of_the_party_does_not_handle_it(filed, bureau_admin, enterprise_a, area_b):
    complaint, _secret = filed
    services.complaint_accept(actor=bureau_admin, complaint=complaint)
    # a county official of another area who also keeps the enterprise's ledgers
    insider = f.make_member("insider", Role.AREA_OFFICIAL, area=area_b)
    insider.memberships.create(role=Role.ENTERPRISE_USER, enterprise=enterprise_a)
    assert insider not in services.handlers(complaint)
    assert insider in services.handlers()
    with pytest.raises(ValidationError) as refused:
        services.complaint_assign(actor=bureau_admin, complaint=complaint, handler=insider)
    assert "handler" in refused.value.message_dict
    assert Complaint.objects.get(pk=complaint.pk).handler is None


def test_the_bureau_marks_a_free_text_complaint_as_about_an_official(
        bureau_admin, official_a, official_b, area_a):
    complaint, _ = services.complaint_file(category="other", description="某科长吃拿卡要",
                                           target_text="沙坡头区生态环境分局某科长")
    assert complaint.target_kind == "other"
    admin = client_for(bureau_admin)
    assert admin.get(complaint.get_absolute_url()).context["can_mark_official"]
    url = reverse("complaints:complaint_official", args=[complaint.pk])
    assert admin.post(url, {"area": ""}).status_code == 200  # the area is required
    assert Complaint.objects.get(pk=complaint.pk).target_kind == "other"
    assert client_for(official_a).post(url, {"area": area_a.pk}).status_code == 403
    assert admin.post(url, {"area": area_a.pk}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.target_kind == "official" and complaint.area == area_a
    assert complaint.target_name == "沙坡头区生态环境分局某科长"
    services.complaint_accept(actor=bureau_admin, complaint=complaint)
    assert official_a not in services.handlers(complaint)
    assert official_b in services.handlers(complaint)


def test_a_complaint_about_a_listed_party_is_not_marked_as_about_an_official(
        filed, bureau_admin, area_b):
    complaint, _ = filed
    with pytest.raises(ValidationError):
        services.complaint_about_official(actor=bureau_admin, complaint=complaint, area=area_b)
    assert Complaint.objects.get(pk=complaint.pk).target_kind == "enterprise"


# --- 2. merges end at a root ----------------------------------------------------------------


def _file(text="某厂"):
    return services.complaint_file(category="other", description="同一事项", target_text=text)


def test_a_merge_into_a_merged_complaint_goes_to_its_root(bureau_admin):
    (root, _), (middle, _), (late, late_secret) = _file(), _file(), _file()
    services.complaint_merge(actor=bureau_admin, complaint=middle, into=root)
    services.complaint_merge(actor=bureau_admin, complaint=late, into=middle)
    assert Complaint.objects.get(pk=late.pk).merged_into_id == root.pk
    view = _public_view(services.track(number=late.number, secret=late_secret))
    assert view["merged_into"] == root.number


def test_duplicates_follow_their_complaint_when_it_is_merged(bureau_admin):
    (first, _), (second, _), (dup, dup_secret) = _file(), _file(), _file()
    services.complaint_merge(actor=bureau_admin, complaint=dup, into=second)
    services.complaint_merge(actor=bureau_admin, complaint=second, into=first)
    assert set(Complaint.objects.filter(merged_into=first).values_list("pk", flat=True)) == {
        second.pk, dup.pk}
    assert not Complaint.objects.filter(merged_into=second).exists()
    page = client_for(bureau_admin).get(first.get_absolute_url())
    assert {d.pk for d in page.context["duplicates"]} == {second.pk, dup.pk}
    view = _public_view(services.track(number=dup.number, secret=dup_secret))
    assert view["merged_into"] == first.number


def test_a_merge_into_itself_or_into_its_own_duplicate_is_refused(bureau_admin):
    (first, _), (dup, _) = _file(), _file()
    url = reverse("complaints:complaint_merge", args=[first.pk])
    page = client_for(bureau_admin).post(url, {"into": first.number})
    assert page.status_code == 200 and page.context["form"].errors["into"]
    services.complaint_merge(actor=bureau_admin, complaint=dup, into=first)
    with pytest.raises(ValidationError):
        # dup was merged into first: merging first into dup would be a circle
        services.complaint_merge(actor=bureau_admin, complaint=first, into=dup)
    assert Complaint.objects.get(pk=first.pk).status == "received"


def test_a_circle_in_old_data_is_refused():
    parent = {1: 2, 2: 3, 3: 1}
    assert rules.merge_root(1, parent.get) is None
    assert rules.merge_root(4, {4: 5}.get) == 5 and rules.merge_root(5, {}.get) == 5


def test_the_filer_of_a_merged_complaint_reads_the_roots_answer_and_nothing_of_its_filer(
        assigned, bureau_admin, official_a):
    first, _ = assigned  # filed with FILER_NAME and FILER_CONTACT
    (middle, _), (late, late_secret) = _file(), _file()
    services.complaint_merge(actor=bureau_admin, complaint=middle, into=first)
    services.complaint_merge(actor=bureau_admin, complaint=late, into=middle)
    track = reverse("complaints_public:complaint_track")
    before = Client().post(track, {"number": late.number, "secret": late_secret})
    assert "调查处理中" in before.content.decode()
    services.reply_submit(actor=official_a, complaint=first, findings="台账有误",
                          reply="经查属实，已责令整改。", outcome="substantiated")
    services.reply_approve(actor=bureau_admin, complaint=first)
    page = Client().post(track, {"number": late.number, "secret": late_secret}).content.decode()
    assert first.number in page and "经查属实，已责令整改。" in page
    for private in (FILER_NAME, FILER_CONTACT, first.description, "台账有误"):
        assert private not in page


# --- 3. the filer's name is labelled as a person's name --------------------------------------


def test_the_identity_page_labels_the_name_as_a_persons(assigned, bureau_admin):
    complaint, _ = assigned
    with translation.override("zh-hans"):
        page = client_for(bureau_admin).post(
            reverse("complaints:complaint_identity", args=[complaint.pk])).content.decode()
    assert "姓名" in page and "名称" not in page
    with translation.override("zh-hans"):
        detail = client_for(bureau_admin).get(complaint.get_absolute_url()).content.decode()
    assert "被投诉方" in detail and "当事人" not in detail
    with translation.override("zh-hans"):
        assert Complaint(status="accepted").get_status_display() == "已受理"


# --- 4. the identity access log is the bureau admins' ------------------------------------------


def test_a_handler_never_reads_that_the_identity_was_looked_at(assigned, bureau_admin,
                                                               official_a):
    complaint, _ = assigned
    client_for(bureau_admin).post(reverse("complaints:complaint_identity", args=[complaint.pk]))
    look = Event.objects.get(verb="complaint.identity_viewed")
    detail = reverse("complaints:complaint_detail", args=[complaint.pk])
    # the bureau admin sees the access log on the complaint
    assert look in client_for(bureau_admin).get(detail).context["events"]
    handler = client_for(official_a)
    with translation.override("zh-hans"):
        look_text = str(look.message)
        pages = [
            reverse("complaints:complaint_list"),
            detail,
            reverse("complaints:complaint_export"),
            reverse("complaints:complaint_statistics"),
            reverse("complaints:complaint_statistics_export"),
            reverse("complaints:complaint_findings", args=[complaint.pk]),
            reverse("complaints:reply_draft", args=[complaint.pk]),
            reverse("api:complaint-list"),
            reverse("api:complaint-detail", args=[complaint.pk]),
            reverse("notifications"),
        ]
        for url in pages:
            response = handler.get(url)
            assert response.status_code == 200, url
            body = _body(response)
            for secret in (FILER_NAME, FILER_CONTACT, look_text, "identity_viewed"):
                assert secret not in body, (url, secret)
        assert look not in handler.get(detail).context["events"]
        # after a reply and its approval, the handler's page still does not show it
        services.reply_submit(actor=official_a, complaint=complaint, findings="查明",
                              reply="答复", outcome="unsubstantiated")
        services.reply_approve(actor=bureau_admin, complaint=complaint)
        body = _body(handler.get(detail))
        assert look_text not in body and FILER_NAME not in body
    # the identity page itself is closed to him
    assert handler.get(reverse("complaints:complaint_identity", args=[complaint.pk])
                       ).status_code == 403


def test_a_bureau_reviewer_handling_it_does_not_read_the_access_log(
        filed, bureau_admin, bureau_reviewer):
    complaint, _ = filed
    services.complaint_accept(actor=bureau_admin, complaint=complaint)
    services.complaint_assign(actor=bureau_admin, complaint=complaint, handler=bureau_reviewer)
    services.identity_reveal(actor=bureau_admin, complaint=complaint)
    response = client_for(bureau_reviewer).get(complaint.get_absolute_url())
    assert not [e for e in response.context["events"] if e.verb == "complaint.identity_viewed"]
    assert FILER_NAME not in response.content.decode()
