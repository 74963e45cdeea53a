"""Attachments without what could name the filer: a photo's EXIF (GPS position, camera
owner, device serial), XMP, IPTC, comments and ICC profile, a PDF's document information
(Author, Creator, Producer with a user name), XMP streams and private application data. The
handler who downloads the file (a county official) sees the document, not who made it.

An image is decoded and encoded again from its pixels alone (its orientation turned into the
pixels first), so no metadata segment of any kind survives; a PDF is rewritten from its
reachable objects less those entries, and the JPEG photos it embeds (a phone's picture turned
into a PDF keeps its EXIF) lose their metadata segments. A file that cannot be read is refused.

Pillow and pypdf are imported where a file is cleaned (pypdf alone costs a worker ~80 ms at
boot; only a filing with attachments needs them)."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# larger images are refused before they are decoded (a small file can decode to gigabytes)
MAX_PIXELS = 64_000_000
JPEG_QUALITY = 90
PNG_MODES = ("1", "L", "LA", "I;16", "RGB", "RGBA")
IMAGE_FORMATS = {".jpg": ("JPEG", "MPO"), ".png": ("PNG",)}  # MPO: a JPEG with more pictures
# per-object entries that carry authors, tools and their private data (PDF 2.0 §14.3, §14.5)
PDF_PRIVATE_KEYS = ("/Metadata", "/PieceInfo")
# JPEG markers of metadata segments: APP1 (EXIF, XMP) to APP13 (IPTC), APP15, and COM; APP0
# (JFIF) and APP14 (Adobe: how to read the colours) stay
JPEG_METADATA = frozenset(range(0xE1, 0xEE)) | {0xEF, 0xFE}
JPEG_STANDALONE = frozenset(range(0xD0, 0xD8)) | {0x01}
DCT_FILTERS = ("/DCTDecode", ["/DCTDecode"])  # a JPEG stored as it is inside a PDF


class Unreadable(Exception):
    """The file is not a readable PDF, JPEG or PNG."""


def _clean_image(data: bytes, ext: str) -> bytes:
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as image:
        if image.format not in IMAGE_FORMATS[ext]:  # the signature and the decoder agree
            raise Unreadable(image.format)
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise Unreadable("too many pixels")
        image.load()
        upright = ImageOps.exif_transpose(image)  # the orientation tag, applied to the pixels
    if ext == ".png":
        if upright.mode not in PNG_MODES or "transparency" in upright.info:
            has_alpha = "A" in upright.mode or "transparency" in upright.info
            upright = upright.convert("RGBA" if has_alpha else "RGB")
        fmt, options = "PNG", {}
    else:
        if upright.mode not in ("L", "RGB"):
            upright = upright.convert("RGB")
        fmt, options = "JPEG", {"quality": JPEG_QUALITY, "optimize": True}
    # a bare copy of the pixels: no info (Pillow writes some of it back: comments, ICC)
    clean = Image.new(upright.mode, upright.size)
    clean.paste(upright)
    clean.info = {}
    out = io.BytesIO()
    clean.save(out, fmt, **options)
    return out.getvalue()


def _jpeg_segments_stripped(data: bytes) -> bytes:
    """A JPEG stream less its metadata segments, its coded image untouched (no re-encoding:
    used for the photos inside a PDF)."""
    if not data.startswith(b"\xff\xd8"):
        raise Unreadable("not a JPEG stream")
    kept, i = [b"\xff\xd8"], 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            raise Unreadable("JPEG segment")
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in JPEG_STANDALONE:
            kept.append(data[i:i + 2])
            i += 2
            continue
        if marker == 0xDA:  # start of scan: the coded image follows, kept as it is
            kept.append(data[i:])
            return b"".join(kept)
        end = i + 2 + int.from_bytes(data[i + 2:i + 4], "big")
        if marker not in JPEG_METADATA:
            kept.append(data[i:end])
        i = end
    raise Unreadable("JPEG without a scan")


def _clean_pdf(data: bytes) -> bytes:
    from pypdf import PasswordType, PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject, StreamObject

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
        raise Unreadable("password")
    if len(reader.pages) < 1:
        raise Unreadable("no page")
    writer = PdfWriter(clone_from=reader)  # the latest revision only: earlier ones are gone
    writer.metadata = None  # the trailer's /Info
    for obj in writer._objects:  # the catalog's, each page's and each image's XMP stream
        if isinstance(obj, DictionaryObject):
            for key in PDF_PRIVATE_KEYS:
                obj.pop(key, None)
        if isinstance(obj, StreamObject) and obj.get("/Filter") in DCT_FILTERS:
            obj._data = _jpeg_segments_stripped(obj._data)  # its EXIF, as a photo's
    writer._ID = None  # the original's file identifier (a hash of its path and times)
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def clean(data: bytes, ext: str) -> bytes:
    """``data`` (a PDF, JPEG or PNG as its signature says, ``ext``) without metadata, or
    ``Unreadable``."""
    try:
        if ext == ".pdf":
            return _clean_pdf(data)
        return _clean_image(data, ext)
    except Unreadable:
        raise
    except Exception as exc:  # any failure to parse untrusted bytes: the file is refused
        raise Unreadable(type(exc).__name__) from exc


def cleaned_attachment(data: bytes, ext: str, *, position: int, field: str = "files") -> bytes:
    """``clean`` for the complaint form: an unreadable file is a ValidationError on ``field``
    naming the attachment by its position."""
    try:
        return clean(data, ext)
    except Unreadable:
        raise ValidationError({field: _(
            "Attachment %(n)d cannot be opened as a PDF, JPEG or PNG file (it may be damaged "
            "or protected by a password). Check it and attach it again; nothing was filed."
        ) % {"n": position}}) from None
