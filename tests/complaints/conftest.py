import pytest
from django.core import signing
from django.core.cache import cache

from complaints import challenge, services
from registry.models import KeyEmitterList, KeyEmitterListEntry

FILER_NAME = "举报人张三"
FILER_CONTACT = "13912345678"


def answer(n=7):
    """A valid human check (token, answer) as the form would have issued it."""
    import secrets

    nonce = secrets.token_hex(8)
    return {"token": signing.dumps({"h": challenge._digest(nonce, n), "n": nonce},
                                   salt=challenge.SALT),
            "answer": str(n)}


def pdf_bytes(pages=1) -> bytes:
    """A small readable PDF (attachments are parsed: a few bytes after %PDF- are refused)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(200, 200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(enterprise_a, bureau_admin):
    """enterprise_a on the published 2025 list."""
    key_list = KeyEmitterList.objects.create(year=2025, basis_year=2024, drafted_by=bureau_admin)
    KeyEmitterListEntry.objects.create(
        key_list=key_list, enterprise=enterprise_a, change="added", reason="emissions",
        emissions_tco2e=30000, enterprise_name=enterprise_a.name, uscc=enterprise_a.uscc,
        area=enterprise_a.area, sector=enterprise_a.sector,
    )
    KeyEmitterList.objects.filter(pk=key_list.pk).update(status="published")
    return key_list


@pytest.fixture
def filed(published, enterprise_a):
    """A complaint about enterprise_a with the filer's name and phone, and its secret."""
    complaint, secret = services.complaint_file(
        category="false_data", description="月度台账数据造假", target_code=enterprise_a.uscc,
        name=FILER_NAME, contact=FILER_CONTACT,
    )
    return complaint, secret


@pytest.fixture
def assigned(filed, bureau_admin, official_a):
    complaint, secret = filed
    services.complaint_accept(actor=bureau_admin, complaint=complaint)
    complaint = services.complaint_assign(actor=bureau_admin, complaint=complaint,
                                          handler=official_a, working_days=15)
    return complaint, secret
