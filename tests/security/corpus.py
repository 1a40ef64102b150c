"""A corpus of hostile pitch-deck uploads, built here at test time (nothing binary is committed).

Extends tests/nominations/pdfs.py, which has the basic cases (HTML and PNG renamed to .pdf, an HTML/PDF
polyglot, JavaScript and launch actions, an attachment, a hex-escaped name, 11 MB, a truncated file),
with what a determined attacker would try next: active content hidden where a byte scan cannot see it
(object streams with non-Flate filters), other polyglots, and hostile file names."""

import base64
import io
import zipfile
import zlib
from dataclasses import dataclass

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from tests.nominations import pdfs


@dataclass(frozen=True)
class Hostile:
    name: str
    content: bytes
    why: str


def _write(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _pdf_from_objects(objects: list[bytes], *, root: int = 1, header: bytes = b"%PDF-1.7\n") -> bytes:
    """A well-formed PDF (with a correct xref table) from numbered object bodies, 1-based."""
    out = io.BytesIO()
    out.write(header)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref))
    return out.getvalue()


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


PAGE_TREE = [
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
]


def javascript_in_hex_encoded_object_stream() -> bytes:
    """The catalog's OpenAction is object 5, which lives in an object stream whose filter is
    ASCIIHexDecode, listed by a cross-reference stream (PDF 1.5): the bytes of the file never spell
    /JavaScript or /JS, only a PDF parser sees the action."""
    action = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
    header = b"5 0 "
    objstm = _stream(
        base64.b16encode(header + action) + b">",
        b"/Type /ObjStm /N 1 /First %d /Filter /ASCIIHexDecode" % len(header),
    )
    bodies = [b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>", *PAGE_TREE, objstm]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref_offset = out.tell()
    rows = [(0, 0, 65535)] + [(1, offset, 0) for offset in offsets] + [(2, 4, 0), (1, xref_offset, 0)]
    table = b"".join(bytes([kind]) + field.to_bytes(4, "big") + gen.to_bytes(2, "big") for kind, field, gen in rows)
    out.write(b"6 0 obj\n" + _stream(table, b"/Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R") + b"\nendobj\n")
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref_offset)
    return out.getvalue()


def javascript_in_ascii85_and_flate_stream() -> bytes:
    """A JavaScript action inside a stream compressed with Flate and then ASCII85-encoded."""
    action = b"<< /Type /Action /S /JavaScript /JS (app.launchURL\\('https://evil.example'\\)) >>"
    encoded = base64.a85encode(zlib.compress(action), adobe=True)[2:]  # without the <~ prefix
    stream = _stream(encoded, b"/Filter [/ASCII85Decode /FlateDecode]")
    catalog = b"<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript << /Names [(x) 4 0 R] >> >> >>"
    return _pdf_from_objects([catalog, *PAGE_TREE, stream])


def page_additional_action_javascript() -> bytes:
    """/AA on a page: runs when the page opens, no /OpenAction needed."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(2)")}
    )
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(action)})
    return _write(writer)


def link_annotation_launching_a_program() -> bytes:
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(595), NumberObject(842)]),
            NameObject("/A"): DictionaryObject(
                {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
            ),
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return _write(writer)


def pdf_zip_polyglot() -> bytes:
    """A valid PDF that is also a valid ZIP archive (the archive appended, the PDF's end marker after it)."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("payload.html", "<script>alert(1)</script>")
    data = pdfs.real_pdf(pages=30)
    return data[: data.rindex(b"%%EOF")] + b"%" + archive.getvalue() + b"\n%%EOF\n"


def jpeg_pdf_polyglot() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + pdfs.real_pdf()


def pdf_header_after_junk() -> bytes:
    """Readers accept the header anywhere in the first kilobyte; a file that begins with HTML is not a PDF."""
    return b"<html><body onload=alert(1)>" + b" " * 200 + pdfs.real_pdf()


def html_with_byte_order_mark() -> bytes:
    return b"\xef\xbb\xbf<!doctype html><script>alert(1)</script>"


def svg_renamed_to_pdf() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    return _write(writer)


def pdf_with_xfa_form() -> bytes:
    catalog = b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /XFA 4 0 R >> >>"
    return _pdf_from_objects([catalog, *PAGE_TREE, _stream(b"<xdp:xdp/>")])


def empty_file() -> bytes:
    return b""


def hostile_files() -> list[Hostile]:
    """Every file the upload must refuse, with why."""
    return [
        Hostile("html.pdf", pdfs.html_renamed_to_pdf(), "HTML renamed to .pdf"),
        Hostile("bom-html.pdf", html_with_byte_order_mark(), "HTML behind a byte-order mark"),
        Hostile("image.pdf", svg_renamed_to_pdf(), "SVG with a script renamed to .pdf"),
        Hostile("png.pdf", pdfs.png_renamed_to_pdf(), "PNG renamed to .pdf"),
        Hostile("empty.pdf", empty_file(), "an empty file"),
        Hostile("html-pdf.pdf", pdfs.html_pdf_polyglot(), "HTML/PDF polyglot"),
        Hostile("junk-first.pdf", pdf_header_after_junk(), "PDF header after HTML"),
        Hostile("jpeg-pdf.pdf", jpeg_pdf_polyglot(), "JPEG/PDF polyglot"),
        Hostile("zip-pdf.pdf", pdf_zip_polyglot(), "PDF/ZIP polyglot"),
        Hostile("js.pdf", pdfs.pdf_with_javascript(), "JavaScript open action"),
        Hostile("js-hex.pdf", pdfs.pdf_with_hidden_javascript_name(), "/JavaScript written with a hex escape"),
        Hostile(
            "js-objstm.pdf", javascript_in_hex_encoded_object_stream(), "JavaScript in a hex-encoded object stream"
        ),
        Hostile("js-a85.pdf", javascript_in_ascii85_and_flate_stream(), "JavaScript behind ASCII85 and Flate"),
        Hostile("js-aa.pdf", page_additional_action_javascript(), "JavaScript as a page's additional action"),
        Hostile("launch.pdf", pdfs.pdf_with_launch_action(), "launch action"),
        Hostile("launch-link.pdf", link_annotation_launching_a_program(), "link that launches a program"),
        Hostile("attachment.pdf", pdfs.pdf_with_attachment(), "embedded file"),
        Hostile("xfa.pdf", pdf_with_xfa_form(), "XFA form"),
        Hostile("encrypted.pdf", encrypted_pdf(), "password-protected (its contents cannot be checked)"),
        Hostile("big.pdf", pdfs.oversized_pdf(), "over 10 MB"),
        Hostile("truncated.pdf", pdfs.real_pdf()[:-400], "truncated"),
    ]


# Names an attacker may give the upload: the stored file gets a random name whatever it is called.
HOSTILE_NAMES = [
    "../../etc/passwd.pdf",
    "..\\..\\windows\\win.ini.pdf",
    "/etc/cron.d/deck.pdf",
    "C:\\Users\\Public\\deck.pdf",
    "deck.pdf\x00.html",
    "%2e%2e%2fsecret.pdf",
    "<script>alert(1)</script>.pdf",
    "deck.html",
    "." * 300 + ".pdf",
]


def rich_real_pdf() -> bytes:
    """What an ordinary deck contains: text, a web link, an outline, metadata, and an open action that
    merely shows the first page. All of it must pass."""
    writer = PdfWriter()
    for number in range(3):
        page = writer.add_blank_page(width=842, height=595)
        content = b"BT /F1 24 Tf 72 500 Td (Slide %d: seizure detection at home) Tj ET" % (number + 1)
        stream = writer._add_object(_content_stream(content))
        page[NameObject("/Contents")] = stream
        font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
        )
    from pypdf.annotations import Link

    writer.add_annotation(0, Link(rect=(72, 72, 300, 100), url="https://neurogrid.example"))
    writer.add_outline_item(title="Problem", page_number=0)
    writer.add_outline_item(title="Solution", page_number=1)
    writer.add_metadata({"/Title": "Neurogrid Diagnostics: pitch", "/Author": "Sara Lind"})
    writer._root_object[NameObject("/OpenAction")] = ArrayObject(
        [writer.pages[0].indirect_reference, NameObject("/Fit")]
    )
    writer.compress_identical_objects()
    for page in writer.pages:
        page.compress_content_streams()
    return _write(writer)


def _content_stream(data: bytes):
    from pypdf.generic import DecodedStreamObject

    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream
