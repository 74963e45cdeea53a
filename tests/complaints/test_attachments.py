"""Attachments lose what could name the filer before they are stored: a photo's EXIF (GPS
position, camera owner, serial number), a PNG's text chunks, a PDF's Author / Creator /
Producer and XMP. The handler downloads the stored file; it is read back here. A file that
cannot be read is refused with a clear message and nothing is filed."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image, PngImagePlugin
from pypdf import PdfReader, PdfWriter

from complaints import services
from complaints.models import Attachment, Complaint
from tests.complaints.conftest import answer

pytestmark = pytest.mark.django_db
OWNER = "zhangsan-filer"
SERIAL = "SN-4711-0815"


def _post(client=None, **data):
    payload = {"category": "false_data", "description": "数据造假", "target_text": "某厂",
               **answer(), **data}
    return (client or Client()).post(reverse("complaints_public:complaint_new"), payload)


def _photo() -> bytes:
    """A 40×20 JPEG shot with the phone turned (orientation 6: rotate 90° to view), with the
    owner, the camera serial number, a comment and a GPS position."""
    image = Image.new("RGB", (40, 20), (200, 30, 30))
    exif = image.getexif()
    exif[0x0112] = 6  # Orientation
    exif[0x013B] = OWNER  # Artist
    exif[0x010F] = "PhoneMaker"  # Make
    exif.get_ifd(0x8769)[0xA431] = SERIAL  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (37.0, 30.0, 12.5)  # GPSLatitudeRef, GPSLatitude
    gps[3], gps[4] = "E", (105.0, 11.0, 2.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=OWNER.encode())
    return out.getvalue()


def _png() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", OWNER)
    info.add_itxt("XML:com.adobe.xmp", f"<x:xmpmeta><dc:creator>{OWNER}</dc:creator>"
                                       "</x:xmpmeta>")
    out = io.BytesIO()
    Image.new("RGBA", (8, 8), (0, 0, 255, 128)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(300, 200)
    writer.add_metadata({"/Author": OWNER, "/Creator": "Word",
                         "/Producer": f"C:\\Users\\{OWNER}\\Documents"})
    writer.xmp_metadata = (f"<x:xmpmeta><dc:creator>{OWNER}</dc:creator></x:xmpmeta>").encode()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _stored(attachment) -> bytes:
    with attachment.file.open("rb") as handle:
        return handle.read()


def test_a_photo_is_stored_without_exif_gps_or_comment_and_stays_upright():
    original = _photo()
    assert OWNER.encode() in original and SERIAL.encode() in original  # the test is real
    response = _post(files=[SimpleUploadedFile("IMG_0001.jpg", original, "image/jpeg")])
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    stored = _stored(attachment)
    assert OWNER.encode() not in stored and SERIAL.encode() not in stored
    assert b"Exif" not in stored and b"PhoneMaker" not in stored
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and len(image.getexif()) == 0
    assert image.getexif().get_ifd(0x8825) == {}  # no GPS
    assert "comment" not in image.info and "icc_profile" not in image.info
    assert image.size == (20, 40)  # the orientation is in the pixels now, not in a tag
    assert attachment.size == len(stored)
    assert attachment.file.name.endswith(".jpg")


def test_a_png_loses_its_text_and_xmp_chunks():
    original = _png()
    assert OWNER.encode() in original
    assert _post(files=[SimpleUploadedFile("scan.png", original, "image/png")]).status_code == 302
    stored = _stored(Attachment.objects.get())
    assert OWNER.encode() not in stored and b"tEXt" not in stored and b"iTXt" not in stored
    image = Image.open(io.BytesIO(stored))
    assert image.format == "PNG" and image.mode == "RGBA" and image.size == (8, 8)
    assert image.getpixel((0, 0)) == (0, 0, 255, 128)


def test_a_pdf_is_stored_without_its_author_producer_or_xmp():
    original = _pdf()
    assert OWNER.encode() in original
    response = _post(files=[SimpleUploadedFile("举报材料.pdf", original, "application/pdf")])
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    stored = _stored(attachment)
    assert OWNER.encode() not in stored
    reader = PdfReader(io.BytesIO(stored))
    assert len(reader.pages) == 1  # still the document
    assert not reader.metadata  # no /Info: no Author, Creator, Producer
    assert "/Metadata" not in reader.trailer["/Root"] and reader.xmp_metadata is None
    import hashlib

    assert attachment.sha256 == hashlib.sha256(stored).hexdigest()


@pytest.mark.parametrize("name,data,kind", [
    ("broken.pdf", b"%PDF-1.4 not really a document", "application/pdf"),
    ("broken.jpg", b"\xff\xd8\xff\xe0 truncated", "image/jpeg"),
    ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image/png"),
])
def test_a_file_that_cannot_be_read_is_refused_and_nothing_is_stored(name, data, kind):
    good = SimpleUploadedFile("ok.pdf", _pdf(), "application/pdf")
    response = _post(files=[good, SimpleUploadedFile(name, data, kind)])
    assert response.status_code == 200
    errors = response.context["form"].errors["files"]
    assert any("Attachment 2" in e or "附件 2" in e or "第 2" in e for e in errors), errors
    assert not Complaint.objects.exists() and not Attachment.objects.exists()


def test_the_refusal_reads_in_chinese():
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    bad = SimpleUploadedFile("x.pdf", b"%PDF-broken", "application/pdf")
    page = _post(client, files=[bad]).content.decode()
    assert "无法" in page and not Attachment.objects.exists()


def test_a_password_protected_pdf_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ValidationError) as raised:
        services.complaint_file(category="other", description="x", target_text="某厂",
                                files=[SimpleUploadedFile("locked.pdf", out.getvalue())])
    assert "files" in raised.value.message_dict
    assert not Attachment.objects.exists() and not Complaint.objects.exists()


def _pdf_with_photo(jpeg: bytes) -> bytes:
    """A one-page PDF showing a JPEG as it is (as img2pdf and phone scanner apps make them:
    the photo's EXIF travels inside)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 40 20] /Contents 4 0 R "
        b"/Resources << /XObject << /Im0 5 0 R >> >> >>",
        b"<< /Length 27 >>\nstream\nq 40 0 0 20 0 0 cm /Im0 Do Q\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width 40 /Height 20 /ColorSpace /DeviceRGB "
        b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n" % len(jpeg)
        + jpeg + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def test_a_photo_inside_a_pdf_loses_its_exif_and_stays_the_same_picture():
    photo = _photo()
    original = _pdf_with_photo(photo)
    assert len(PdfReader(io.BytesIO(original)).pages) == 1 and SERIAL.encode() in original
    response = _post(files=[SimpleUploadedFile("scan.pdf", original, "application/pdf")])
    assert response.status_code == 302
    stored = _stored(Attachment.objects.get())
    assert OWNER.encode() not in stored and SERIAL.encode() not in stored
    assert b"Exif" not in stored
    image = PdfReader(io.BytesIO(stored)).pages[0].images[0]
    assert image.image.size == (40, 20) and len(image.image.getexif()) == 0
    # the coded picture is the original's, not re-encoded
    assert photo[photo.index(b"\xff\xda"):] in stored


def _image(mode, fmt, **save):
    image = Image.new(mode, (6, 4))
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


@pytest.mark.parametrize("data,ext,mode", [
    (_image("P", "PNG", transparency=0), ".png", "RGBA"),  # palette with a transparent colour
    (_image("I;16", "PNG"), ".png", "I;16"),  # a 16-bit scan
    (_image("LA", "PNG"), ".png", "LA"),
    (_image("L", "JPEG"), ".jpg", "L"),
    (_image("CMYK", "JPEG"), ".jpg", "RGB"),  # printed-document scans
])
def test_every_usual_kind_of_image_is_cleaned_and_keeps_its_size(data, ext, mode):
    from complaints import scrub

    image = Image.open(io.BytesIO(scrub.clean(data, ext)))
    assert image.size == (6, 4) and image.mode == mode


def test_an_image_of_too_many_pixels_is_refused_before_it_is_decoded(monkeypatch):
    from complaints import scrub

    assert scrub.clean(_image("RGB", "PNG"), ".png")  # 6 × 4 = 24 pixels
    with pytest.raises(scrub.Unreadable):  # the decoder must find what the signature said
        scrub.clean(_image("RGB", "PNG"), ".jpg")
    monkeypatch.setattr(scrub, "MAX_PIXELS", 23)
    with pytest.raises(scrub.Unreadable):
        scrub.clean(_image("RGB", "PNG"), ".png")
