"""The public door: filing without login, the human check, throttling, the number and secret
shown once, tracking (wrong secret = unknown number), attachments by signature."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from complaints import services
from complaints.models import Attachment, Complaint, FilerIdentity
from tests.complaints.conftest import FILER_CONTACT, FILER_NAME, answer, pdf_bytes

pytestmark = pytest.mark.django_db
NEW = "complaints_public:complaint_new"
TRACK = "complaints_public:complaint_track"


def _post(client, **data):
    payload = {"category": "false_data", "description": "数据造假", **answer(), **data}
    return client.post(reverse(NEW), payload)


def test_anonymous_files_and_sees_number_and_secret_once(published, enterprise_a):
    client = Client()
    page = client.get(reverse(NEW))
    assert page.status_code == 200
    assert 'name="token"' in page.content.decode()
    response = _post(client, target_code=enterprise_a.uscc)
    assert response.status_code == 302
    done = client.get(response["Location"]).content.decode()
    complaint = Complaint.objects.get()
    assert complaint.number in done and complaint.enterprise == enterprise_a
    assert complaint.area == enterprise_a.area and complaint.status == "received"
    secret = re.search(r'id="secret">([^<]+)<', done).group(1)
    assert secret not in complaint.secret_hash  # only a hash is kept
    assert services.track(number=complaint.number, secret=secret) == complaint
    assert not FilerIdentity.objects.exists()  # anonymous: nothing about the filer
    again = client.get(reverse("complaints_public:complaint_done")).content.decode()
    assert secret not in again and complaint.number not in again


def test_unknown_target_gets_the_same_answer_and_is_kept_as_written(published, enterprise_a):
    known = _post(Client(), target_code=enterprise_a.uscc)
    unknown = _post(Client(), target_code="91640500MA00000000")
    free = _post(Client(), target_text="某县某厂")
    assert known.status_code == unknown.status_code == free.status_code == 302
    assert known["Location"] == unknown["Location"] == free["Location"]
    kinds = list(Complaint.objects.order_by("pk").values_list("target_kind", "target_text"))
    assert kinds == [("enterprise", enterprise_a.uscc), ("other", "91640500MA00000000"),
                     ("other", "某县某厂")]


def test_an_enterprise_not_on_a_published_list_is_not_matched(enterprise_b):
    _post(Client(), target_code=enterprise_b.uscc)
    assert Complaint.objects.get().enterprise is None


def test_wrong_or_replayed_human_check_is_refused_and_nothing_is_filed(published):
    bad = _post(Client(), target_text="某厂", answer="99")
    assert bad.status_code == 200 and bad.context["form"].has_error("__all__", "challenge")
    check = answer()
    assert _post(Client(), target_text="某厂", **check).status_code == 302
    replay = _post(Client(), target_text="某厂", **check)
    assert replay.status_code == 200
    assert Complaint.objects.count() == 1


def test_the_human_check_hides_its_answer_and_is_spent_by_a_wrong_guess(published):
    """The signed token is readable (base64 JSON): it must not carry the answer; and one
    question takes one answer, so a bot cannot try every sum on it."""
    import base64
    import json

    from complaints import challenge

    question, token = challenge.new()
    payload = token.split(":")[0]
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert set(data) == {"h", "n"}  # a keyed hash and the nonce, never the sum
    right = next(str(s) for s in range(2, 19) if challenge._digest(data["n"], s) == data["h"])
    assert not challenge.passed(token, "1")  # a wrong guess spends it ...
    assert not challenge.passed(token, right)  # ... so the right answer no longer passes
    fresh = answer(5)
    assert challenge.passed(fresh["token"], "5") and not challenge.passed(fresh["token"], "5")
    assert not challenge.passed("forged:token", "5")


def test_a_party_must_be_named():
    response = _post(Client())
    assert response.status_code == 200 and not Complaint.objects.exists()
    assert "target_text" in response.context["form"].errors


@override_settings(PUBLIC_FORM_LIMIT=2)
def test_filing_is_throttled_per_address():
    client = Client(REMOTE_ADDR="10.1.1.1")
    assert _post(client, target_text="甲").status_code == 302
    assert _post(client, target_text="乙").status_code == 302
    refused = _post(client, target_text="丙")
    assert refused.status_code == 429 and Complaint.objects.count() == 2
    # another address is not held back
    assert _post(Client(REMOTE_ADDR="10.1.1.2"), target_text="丁").status_code == 302


def test_attachments_are_checked_by_signature_and_stored_under_generated_names():
    pdf = SimpleUploadedFile("张三的举报.pdf", pdf_bytes(), "application/pdf")
    ok = _post(Client(), target_text="某厂", files=[pdf])
    assert ok.status_code == 302
    attachment = Attachment.objects.get()
    assert "张三" not in attachment.file.name and "张三" not in attachment.label
    assert attachment.file.name.endswith(".pdf") and attachment.label.endswith(".pdf")
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image", "image/jpeg")
    refused = _post(Client(), target_text="某厂", files=[fake])
    assert refused.status_code == 200 and "files" in refused.context["form"].errors
    assert Complaint.objects.count() == 1


@override_settings(UPLOAD_MAX_BYTES=100)
def test_an_attachment_over_the_limit_is_refused():
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 200, "application/pdf")
    response = _post(Client(), target_text="某厂", files=[big])
    assert response.status_code == 200 and not Complaint.objects.exists()


def _track(client, number, secret):
    response = client.post(reverse(TRACK), {"number": number, "secret": secret})
    body = re.sub(r'(csrfmiddlewaretoken" value=|CSRFToken": )"[^"]+"', "", response.content.decode())
    return response.status_code, body


def test_tracking_shows_status_and_wrong_secret_equals_unknown_number(filed):
    complaint, secret = filed
    status, body = _track(Client(), complaint.number, secret)
    assert status == 200 and 'id="tracked"' in body
    assert FILER_NAME not in body
    wrong = _track(Client(), complaint.number, "not-the-secret")
    unknown = _track(Client(), "TS2026-99999", "not-the-secret")
    assert wrong[0] == unknown[0] == 200
    assert wrong[1].replace(complaint.number, "N") == unknown[1].replace("TS2026-99999", "N")
    assert 'id="not-found"' in wrong[1]


@override_settings(PUBLIC_FORM_LIMIT=3)
def test_tracking_is_throttled(filed):
    complaint, secret = filed
    client = Client(REMOTE_ADDR="10.2.2.2")
    for _ in range(3):
        assert _track(client, complaint.number, "guess")[0] == 200
    status, body = _track(client, complaint.number, secret)
    assert status == 429 and 'id="tracked"' not in body


def test_the_public_lookup_lists_only_published_emitters_and_active_agencies(
        published, enterprise_a, enterprise_b, agency_a, agency_b):
    agency_b.status = "suspended"
    agency_b.save()
    url = reverse("complaints_public:target_lookup")
    found = Client().get(url, {"q": "有限"}).json()["results"]
    assert [r["value"] for r in found] == [enterprise_a.uscc]  # enterprise_b is not listed
    agencies = Client().get(url, {"q": agency_a.name[:2]}).json()["results"]
    assert [r["value"] for r in agencies] == [agency_a.uscc]
    assert Client().get(url).json() == {"results": [], "more": False}


def test_the_identity_is_encrypted_at_rest(filed):
    complaint, _secret = filed
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT name_encrypted, contact_encrypted FROM complaints_fileridentity")
        name, contact = cursor.fetchone()
    assert FILER_NAME not in name and FILER_CONTACT not in contact and name.startswith("gAAAA")


def test_the_public_home_and_the_menu_lead_to_complaints(bureau_admin, official_a, ent_a):
    home = Client().get(reverse("public:home")).content.decode()
    assert reverse(NEW) in home and reverse(TRACK) in home
    listing = reverse("complaints:complaint_list")
    from tests.conftest import client_for

    for user, shown in ((bureau_admin, True), (official_a, True), (ent_a, False)):
        page = client_for(user).get(reverse("notifications")).content.decode()
        assert (f'href="{listing}"' in page) is shown, user
    assert "投诉举报" in client_for(bureau_admin).get(listing).content.decode()


def test_an_email_contact_gets_the_number_and_secret_once_and_a_phone_nothing(mailoutbox):
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        complaint, secret = services.complaint_file(
            category="other", description="x", target_text="某厂", contact="filer@example.com")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["filer@example.com"]
    assert complaint.number in mail.subject and secret in mail.body
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.complaint_file(category="other", description="x", target_text="某厂",
                                contact=FILER_CONTACT)
    assert len(mailoutbox) == 1


def test_a_production_server_that_would_print_mail_sends_no_receipt(settings, capsys):
    """With DEBUG off and the console e-mail backend (no mail server set), the receipt would
    put the filer's address and secret into the server's logs: none is sent."""
    from django.test import TestCase

    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    with TestCase.captureOnCommitCallbacks(execute=True):
        _complaint, secret = services.complaint_file(
            category="other", description="x", target_text="某厂", contact="filer@example.com")
    out = capsys.readouterr()
    assert secret not in out.out + out.err and "filer@example.com" not in out.out + out.err
