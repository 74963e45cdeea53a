"""Key rotation of the filers' identities: several comma-separated keys, the first encrypts
and all decrypt; ``rotate_complaint_keys`` re-encrypts every identity with the first (a second
run changes nothing) so that the old key can go; a malformed key is a deploy-check error."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from complaints import checks, crypto, retention, services
from complaints.models import FilerIdentity

pytestmark = pytest.mark.django_db
OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def _file(name, contact=""):
    complaint, _secret = services.complaint_file(category="other", description="x",
                                                 target_text="某厂", name=name, contact=contact)
    return complaint


def _reveal(complaint, bureau_admin):
    return services.identity_reveal(actor=bureau_admin, complaint=complaint)


def test_old_identities_read_after_a_new_first_key_and_after_rotation_with_it_alone(
        bureau_admin, capsys):
    with override_settings(COMPLAINTS_ENCRYPTION_KEY=OLD):
        old_ones = [_file("张三", "13900000001"), _file("李四"), _file("", "wang@example.com")]
    with override_settings(COMPLAINTS_ENCRYPTION_KEY=f"{NEW}, {OLD}"):
        assert _reveal(old_ones[0], bureau_admin)["name"] == "张三"
        fresh = _file("赵六", "13900000002")  # written under the new key
        with override_settings(COMPLAINTS_ENCRYPTION_KEY=NEW):
            assert _reveal(fresh, bureau_admin)["contact"] == "13900000002"
            with pytest.raises(ImproperlyConfigured):  # the old ones need the old key until rotated
                _reveal(old_ones[0], bureau_admin)
        call_command("rotate_complaint_keys", "--batch-size", "2")
        assert "3" in capsys.readouterr().out
        before = dict(FilerIdentity.objects.values_list("pk", "name_encrypted"))
        # idempotent: a second run finds every row under the first key and writes nothing
        assert retention.identities_rotate_keys(batch_size=2) == {"rotated": 0, "current": 4}
        assert dict(FilerIdentity.objects.values_list("pk", "name_encrypted")) == before
    with override_settings(COMPLAINTS_ENCRYPTION_KEY=NEW):
        assert _reveal(old_ones[0], bureau_admin) == {
            "anonymous": False, "name": "张三", "contact": "13900000001"}
        assert _reveal(old_ones[1], bureau_admin)["name"] == "李四"
        assert _reveal(old_ones[2], bureau_admin)["contact"] == "wang@example.com"
        assert _reveal(fresh, bureau_admin)["name"] == "赵六"
    with override_settings(COMPLAINTS_ENCRYPTION_KEY=OLD), pytest.raises(ImproperlyConfigured):
        _reveal(old_ones[0], bureau_admin)  # the old key alone reads nothing now


def test_a_row_no_key_reads_stops_the_rotation_with_nothing_changed():
    with override_settings(COMPLAINTS_ENCRYPTION_KEY=OLD):
        first = _file("张三")
    stray_key = Fernet.generate_key().decode()
    with override_settings(COMPLAINTS_ENCRYPTION_KEY=stray_key):
        _file("李四")
    before = dict(FilerIdentity.objects.values_list("pk", "name_encrypted"))
    with override_settings(COMPLAINTS_ENCRYPTION_KEY=f"{NEW},{OLD}"):
        with pytest.raises(CommandError):
            call_command("rotate_complaint_keys")
    assert dict(FilerIdentity.objects.values_list("pk", "name_encrypted")) == before
    with override_settings(COMPLAINTS_ENCRYPTION_KEY=OLD):
        assert crypto.decrypt(FilerIdentity.objects.get(complaint=first).name_encrypted) == "张三"


@pytest.mark.parametrize("value", [f"{NEW},not-a-key", "short", f"{NEW},,{OLD[:-4]}"],
                         ids=["second-not-a-key", "short", "empty-and-truncated"])
@override_settings(DEBUG=False)
def test_a_malformed_key_is_a_deploy_error_and_refuses_to_encrypt(value):
    with override_settings(COMPLAINTS_ENCRYPTION_KEY=value):
        errors = checks.encryption_key(None)
        assert [e.id for e in errors] == ["complaints.E002"]
        assert value.split(",")[-1] not in errors[0].msg  # the key itself is never printed
        with pytest.raises(ImproperlyConfigured):
            crypto.encrypt("张三")


@override_settings(DEBUG=False)
def test_several_good_keys_pass_the_deploy_check():
    with override_settings(COMPLAINTS_ENCRYPTION_KEY=f"{NEW},{OLD}"):
        assert checks.encryption_key(None) == []
