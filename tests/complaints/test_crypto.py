"""The identity's encryption: a round trip, a ciphertext that changes every time, no key in
production refused, a development key derived only with DEBUG, and the deploy check."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from complaints import checks, crypto


def test_round_trip_and_fresh_ciphertexts():
    one, two = crypto.encrypt("张三"), crypto.encrypt("张三")
    assert one != two and "张三" not in one
    assert crypto.decrypt(one) == crypto.decrypt(two) == "张三"
    assert crypto.encrypt("") == "" and crypto.decrypt("") == ""


@override_settings(COMPLAINTS_ENCRYPTION_KEY="", DEBUG=False)
def test_production_without_a_key_refuses_to_store_and_the_deploy_check_says_so():
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("张三")
    assert [e.id for e in checks.encryption_key(None)] == ["complaints.E001"]


@override_settings(COMPLAINTS_ENCRYPTION_KEY="", DEBUG=True)
def test_development_derives_a_key_from_the_secret_key():
    assert crypto.decrypt(crypto.encrypt("李四")) == "李四"
    assert checks.encryption_key(None) == []


def test_a_token_of_another_key_is_a_clear_error():
    with override_settings(COMPLAINTS_ENCRYPTION_KEY="", DEBUG=True):
        token = crypto.encrypt("王五")
    with pytest.raises(ImproperlyConfigured):
        crypto.decrypt(token)
