"""Checks on what applicants send: the Swedish organisation number and the pitch-deck PDF."""

import io
import re
import zipfile
import zlib

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ORG_NUMBER_PATTERN = re.compile(r"^(?:16)?(\d{6})-?(\d{4})$")
MAX_DECK_BYTES = 10 * 1024 * 1024


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_check_digit(digits: str) -> int:
    """The digit that makes `digits` + it pass the Luhn check."""
    return next(d for d in range(10) if luhn_valid(f"{digits}{d}"))


def normalize_org_number(value: str) -> str:
    """'5566778899', '556677-8899' and '16556677-8899' all become '556677-8899'; raises if invalid."""
    cleaned = re.sub(r"\s", "", value or "")
    match = ORG_NUMBER_PATTERN.match(cleaned)
    if not match:
        raise ValidationError(_("Enter the organisation number as ten digits, for example 556677-8899."), code="format")
    digits = match.group(1) + match.group(2)
    if not luhn_valid(digits):
        raise ValidationError(
            _("This organisation number is not valid: its last digit does not match. Please check it."),
            code="check_digit",
        )
    return f"{digits[:6]}-{digits[6:]}"


def validate_org_number(value: str) -> None:
    normalize_org_number(value)


# Names that make a PDF act rather than show: scripts, launching programs, carried files, forms
# that run code, and rich media. A deck needs none of them.
ACTIVE_NAME_PATTERN = re.compile(
    rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA|SubmitForm|ImportData|GoToE)(?![A-Za-z0-9])"
)
HEX_ESCAPED_NAME = re.compile(rb"/[A-Za-z]*#[0-9A-Fa-f]{2}")
STREAM_PATTERN = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def _inflated_streams(data: bytes):
    for match in STREAM_PATTERN.finditer(data):
        try:
            yield zlib.decompressobj().decompress(match.group(1), 20 * MAX_DECK_BYTES)
        except zlib.error:
            continue


# The same, as a PDF parser sees the document: names hidden in object streams under any filter.
ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/RichMedia", "/XFA"})
ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/RichMediaExecute", "/Rendition"}
)
ACTIVE_TYPES = frozenset({"/EmbeddedFile", "/RichMedia"})
MAX_PDF_OBJECTS = 200_000


def _has_active_structure(reader) -> bool:
    """Walk every object reachable from the trailer; True when one of them acts rather than shows."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer]
    visited = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            raise ValidationError(_("The PDF file is incomplete or damaged."), code="damaged")
        if isinstance(item, DictionaryObject):
            if ACTIVE_KEYS.intersection(item.keys()):
                return True
            if item.get("/S") in ACTIVE_ACTIONS or item.get("/Type") in ACTIVE_TYPES:
                return True
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return False


def validate_pitch_deck(upload) -> None:
    """A real PDF of at most 10 MB with no active content, judged by what is inside, not the name."""
    if upload.size > MAX_DECK_BYTES:
        raise ValidationError(_("The pitch deck may be at most 10 MB."), code="too_large")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if not data.startswith(b"%PDF-"):
        raise ValidationError(_("The pitch deck must be a PDF file."), code="not_pdf")
    if b"%%EOF" not in data[-2048:]:
        raise ValidationError(_("The PDF file is incomplete or damaged."), code="damaged")
    lowered = data[:4096].lower()
    if b"<html" in lowered or b"<script" in lowered or b"<!doctype" in lowered:
        raise ValidationError(_("The pitch deck must be a PDF file."), code="polyglot")
    # A ZIP archive (or an Office file) riding along: archive tools find it by its end record.
    if zipfile.is_zipfile(io.BytesIO(data)):
        raise ValidationError(_("The pitch deck must be a PDF file."), code="polyglot")
    if HEX_ESCAPED_NAME.search(data):
        raise ValidationError(_("The PDF contains obscured content and cannot be accepted."), code="obscured")
    for chunk in (data, *_inflated_streams(data)):
        if ACTIVE_NAME_PATTERN.search(chunk):
            raise ValidationError(
                _("The PDF contains scripts, attachments or other active content. Save it again as a plain PDF."),
                code="active_content",
            )
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(_("The PDF is password-protected. Upload it without a password."), code="encrypted")
        if len(reader.pages) == 0:
            raise ValidationError(_("The PDF has no pages."), code="empty")
        if _has_active_structure(reader):
            raise ValidationError(
                _("The PDF contains scripts, attachments or other active content. Save it again as a plain PDF."),
                code="active_content",
            )
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise ValidationError(_("The PDF file is incomplete or damaged."), code="damaged") from exc
