"""Hostile workbooks, built by hand (issue 10 §2): a zip written with ``zipfile``, each sheet's
XML streamed into it, so a file that unpacks to 186 MB takes a few seconds to make and a
test-sized one milliseconds. Used by the upload-limit tests and by
``python -m bench adversarial_upload``.

Every builder returns a complete .xlsx (content types, relationships, workbook, sheets) that
openpyxl and Excel would open, unless it is meant to be cut off (``truncated``).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape, quoteattr

MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = b"http://schemas.openxmlformats.org/package/2006/relationships"
BATCH = 10_000  # rows per chunk written to the zip


def header(titles: Iterable[str]) -> bytes:
    """Row 1 with the importer's headers as inline strings."""
    cells = b"".join(
        b'<c t="inlineStr"><is><t>' + escape(str(t)).encode() + b"</t></is></c>" for t in titles
    )
    return b'<row r="1">' + cells + b"</row>"


def data_rows(count: int) -> Iterator[bytes]:
    """``count`` rows of three numbers, ~62 bytes each, no row numbers: the issue's file (3
    million of them unpack to 186 MB and compress about 70:1, so today's ratio guard passes)."""
    for start in range(0, count, BATCH):
        yield b"".join(
            b"<row><c><v>0</v></c><c><v>%d</v></c><c><v>1</v></c></row>" % (i // 10)
            for i in range(start, min(start + BATCH, count))
        )


def blank_rows(count: int, *, first: int = 2) -> Iterator[bytes]:
    """``count`` empty rows (no cells at all), numbered on every other one: what a sheet with
    millions of formatted but empty rows looks like."""
    for start in range(0, count, BATCH):
        yield b"".join(
            b'<row r="%d"/>' % (first + i) if i % 2 == 0 else b"<row/>"
            for i in range(start, min(start + BATCH, count))
        )


def cell_flood(count: int, *, varied: bool = False) -> Iterator[bytes]:
    """One row of ``count`` cells: empty, or (``varied``) holding numbers that keep the file's
    compression ratio under the zip-bomb guard."""
    yield b'<row r="2">'
    for start in range(0, count, BATCH):
        end = min(start + BATCH, count)
        if varied:
            yield b"".join(b"<c><v>%d</v></c>" % (i // 10) for i in range(start, end))
        else:
            yield b"<c/>" * (end - start)
    yield b"</row>"


def shared_strings(count: int) -> Iterator[bytes]:
    """A shared-string table of ``count`` short strings."""
    yield b'<sst xmlns="' + MAIN + b'">'
    for start in range(0, count, BATCH):
        yield b"".join(b"<si><t>%d</t></si>" % i for i in range(start, min(start + BATCH, count)))
    yield b"</sst>"


def sheet(rows: Iterable[bytes], *, dimension: str | None = None, truncated=False):
    """A worksheet's XML in chunks. ``truncated``: cut off after the rows, in the middle of a
    cell (anything reading that far finds the file damaged)."""
    yield b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    yield b'<worksheet xmlns="' + MAIN + b'" xmlns:r="' + RELS + b'">'
    if dimension:
        yield b'<dimension ref="' + dimension.encode() + b'"/>'
    yield b"<sheetData>"
    yield from rows
    yield b"<c><v>1" if truncated else b"</sheetData></worksheet>"


def workbook(
    sheets: list[tuple[str, Iterable[bytes]]],
    *,
    strings: Iterable[bytes] | None = None,
    parts: dict[str, Iterable[bytes]] | None = None,
    level: int = 1,
) -> bytes:
    """An .xlsx of ``sheets`` (title, XML chunks), with an optional shared-string table and
    other ``parts`` (path, chunks) written as they are."""
    overrides = [
        (b"/xl/workbook.xml", b"sheet.main+xml"),
        *((b"/xl/worksheets/sheet%d.xml" % i, b"worksheet+xml") for i in range(1, len(sheets) + 1)),
    ]
    if strings is not None:
        overrides.append((b"/xl/sharedStrings.xml", b"sharedStrings+xml"))
    types = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        + b"".join(
            b'<Override PartName="%s" ContentType="application/vnd.openxmlformats-officedocument'
            b'.spreadsheetml.%s"/>' % (name, kind)
            for name, kind in overrides
        )
        + b"</Types>"
    )
    package = (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="' + PKG + b'">'
        b'<Relationship Id="rId1" Type="' + RELS + b'/officeDocument" Target="xl/workbook.xml"/>'
        b"</Relationships>"
    )
    entries = [
        b'<sheet name=%s sheetId="%d" r:id="rId%d"/>' % (quoteattr(title).encode(), i, i)
        for i, (title, _chunks) in enumerate(sheets, start=1)
    ]
    book = (
        b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="' + MAIN + b'" xmlns:r="'
        + RELS + b'"><sheets>' + b"".join(entries) + b"</sheets></workbook>"
    )
    rels = [
        b'<Relationship Id="rId%d" Type="%s/worksheet" Target="worksheets/sheet%d.xml"/>'
        % (i, RELS, i)
        for i in range(1, len(sheets) + 1)
    ]
    if strings is not None:
        rels.append(
            b'<Relationship Id="rIdS" Type="%s/sharedStrings" Target="sharedStrings.xml"/>' % RELS
        )
    book_rels = (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="' + PKG + b'">'
        + b"".join(rels) + b"</Relationships>"
    )
    streams: dict[str, Iterable[bytes]] = {
        "[Content_Types].xml": [types],
        "_rels/.rels": [package],
        "xl/workbook.xml": [book],
        "xl/_rels/workbook.xml.rels": [book_rels],
    }
    for i, (_title, chunks) in enumerate(sheets, start=1):
        streams[f"xl/worksheets/sheet{i}.xml"] = chunks
    if strings is not None:
        streams["xl/sharedStrings.xml"] = strings
    streams.update(parts or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, chunks in streams.items():
            with archive.open(name, "w") as fh:
                for chunk in chunks:
                    fh.write(chunk)
    return out.getvalue()


def sizes(data: bytes) -> tuple[int, int]:
    """(bytes uploaded, bytes once every part is unpacked)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return len(data), sum(m.file_size for m in archive.infolist())
