import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from nominations.validators import luhn_valid, normalize_org_number, validate_pitch_deck
from tests.nominations import pdfs


@pytest.mark.parametrize(
    ("typed", "normalized"),
    [
        ("556036-0793", "556036-0793"),
        ("5560360793", "556036-0793"),
        ("16556036-0793", "556036-0793"),
        (" 556036 - 0793 ", "556036-0793"),
        ("802400-0799", "802400-0799"),
    ],
)
def test_valid_organisation_numbers_are_normalized(typed, normalized):
    assert normalize_org_number(typed) == normalized


@pytest.mark.parametrize("typed", ["556036-0794", "5560360790", "802400-0791"])
def test_wrong_check_digit_is_refused_with_its_own_message(typed):
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            normalize_org_number(typed)
        assert error.value.code == "check_digit"
        assert "last digit does not match" in error.value.messages[0]


@pytest.mark.parametrize("typed", ["", "55603-0793", "556036-07931", "ABCDEF-GHIJ", "556036/0793"])
def test_malformed_organisation_numbers_are_refused(typed):
    with pytest.raises(ValidationError) as error:
        normalize_org_number(typed)
    assert error.value.code == "format"


def test_luhn():
    assert luhn_valid("5560360793")
    assert not luhn_valid("5560360792")


def test_a_real_pdf_is_accepted():
    validate_pitch_deck(pdfs.upload(pdfs.real_pdf()))


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (pdfs.html_renamed_to_pdf(), "not_pdf"),
        (pdfs.png_renamed_to_pdf(), "not_pdf"),
        (pdfs.html_pdf_polyglot(), "polyglot"),
        (pdfs.pdf_with_javascript(), "active_content"),
        (pdfs.pdf_with_attachment(), "active_content"),
        (pdfs.pdf_with_launch_action(), "active_content"),
        (pdfs.pdf_with_hidden_javascript_name(), "obscured"),
        (pdfs.oversized_pdf(), "too_large"),
        (b"%PDF-1.4\nthis is not really a pdf", "damaged"),
    ],
    ids=["html", "png", "polyglot", "javascript", "attachment", "launch", "hex-escaped", "11MB", "truncated"],
)
def test_hostile_or_broken_files_are_refused(content, code):
    with pytest.raises(ValidationError) as error:
        validate_pitch_deck(pdfs.upload(content))
    assert error.value.code == code
