"""Pitch-deck files for the upload tests: real PDFs made with pypdf, and hostile ones."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.actions import JavaScript


def _write(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def real_pdf(pages: int = 2) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    return _write(writer)


def pdf_with_javascript() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_open_action(JavaScript("app.alert(1);"))
    return _write(writer)


def pdf_with_attachment() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("payload.exe", b"MZ\x90\x00")
    return _write(writer)


def pdf_with_launch_action() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
        b"4 0 obj << /S /Launch /F (cmd.exe) >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def pdf_with_hidden_javascript_name() -> bytes:
    # /JavaScript written with a hex escape, which PDF readers decode.
    return real_pdf().replace(b"/Type /Catalog", b"/Type /Catalog /Names << /J#61vaScript 5 0 R >>", 1)


def html_renamed_to_pdf() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def html_pdf_polyglot() -> bytes:
    return b"%PDF-1.4\n<html><script>alert(1)</script></html>\n" + real_pdf()[9:]


def png_renamed_to_pdf() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def oversized_pdf() -> bytes:
    data = real_pdf()
    padding = b"%" + b"x" * 1023 + b"\n"
    return data[:-6] + padding * (11 * 1024) + b"%%EOF\n"


def upload(content: bytes, name: str = "deck.pdf", content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
