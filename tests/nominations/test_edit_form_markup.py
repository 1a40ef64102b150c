"""The nomination form's fields in Bootstrap 5's markup without crispy-forms (templates/forms/field.html):
labels, classes, help texts and errors tied to their inputs for assistive technology."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from core.forms import bootstrap_widget_class
from nominations import services
from tests.factories import EditionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_client(client):
    applicant = UserFactory()
    draft = services.nomination_create(
        actor=applicant, edition=EditionFactory(), data={"startup_name": "Neurogrid"}, language="en"
    )
    client.force_login(applicant)
    client.cookies["django_language"] = "en"
    return client, reverse("nominations:edit", args=[draft.pk])


def tag(html: str, field_id: str) -> str:
    return re.search(rf'<(?:input|select|textarea)[^>]*id="{field_id}"[^>]*>', html).group(0)


def test_each_field_has_its_label_classes_and_help_text(draft_client):
    client, url = draft_client

    html = client.get(url).content.decode()

    assert (
        '<label for="id_startup_name" class="form-label requiredField">Startup name<span class="asteriskField">*</span></label>'
        in html
    )
    startup_name = tag(html, "id_startup_name")
    assert 'class="form-control"' in startup_name
    assert "required" in startup_name
    assert 'aria-describedby="id_startup_name_helptext"' in startup_name
    assert '<div id="id_startup_name_helptext" class="form-text">The company&#x27;s name as registered.</div>' in html
    assert 'class="form-select"' in tag(html, "id_sector")
    assert 'class="form-control"' in tag(html, "id_problem")
    assert 'class="form-control"' in tag(html, "id_pitch_deck_upload")
    assert 'class="form-check-input"' in tag(html, "id_consent")
    assert re.search(
        r'<div id="div_id_consent" class="form-check"><input [^>]*id="id_consent"[^>]*>\s*<label for="id_consent" class="form-check-label">',
        html,
    )
    assert "aria-invalid" not in html
    assert "invalid-feedback" not in html


def test_a_field_in_error_is_marked_and_described_by_its_error(draft_client):
    client, url = draft_client

    html = client.post(url, {"startup_name": "Neurogrid", "website": "not a url", "save": ""}).content.decode()

    website = tag(html, "id_website")
    assert 'class="form-control is-invalid"' in website
    assert 'aria-invalid="true"' in website
    assert 'aria-describedby="id_website_helptext id_website_error"' in website
    assert (
        '<div id="id_website_error" class="invalid-feedback"><p id="error_1_id_website"><strong>Enter a valid URL.</strong></p></div>'
        in html
    )
    assert "is-invalid" not in tag(html, "id_startup_name")


def test_bootstrap_classes_by_widget():
    from django import forms

    assert bootstrap_widget_class(forms.TextInput()) == "form-control"
    assert bootstrap_widget_class(forms.Textarea()) == "form-control"
    assert bootstrap_widget_class(forms.ClearableFileInput()) == "form-control"
    assert bootstrap_widget_class(forms.Select()) == "form-select"
    assert bootstrap_widget_class(forms.CheckboxInput()) == "form-check-input"
    assert bootstrap_widget_class(forms.RadioSelect()) == ""
    assert bootstrap_widget_class(forms.HiddenInput()) == "form-control"


@pytest.mark.parametrize(("language", "words"), [("en", "Nominations close on"), ("sv", "Nomineringen stänger")])
def test_deadline_time_carries_its_iso_instant_in_stockholm_time(client, language, words):
    # Summer time: the offset is Stockholm's on the deadline's date, as everywhere else on the site.
    close_at = datetime(2031, 6, 1, 17, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
    edition = EditionFactory(nominations_open_at=timezone.now() - timedelta(days=1), nominations_close_at=close_at)
    applicant = UserFactory()
    draft = services.nomination_create(
        actor=applicant, edition=edition, data={"startup_name": "Neurogrid"}, language=language
    )
    client.force_login(applicant)
    client.cookies["django_language"] = language

    for name in ("edit", "detail"):
        html = client.get(reverse(f"nominations:{name}", args=[draft.pk])).content.decode()

        assert f'{words} <time datetime="2031-06-01T17:00:00+02:00" data-countdown>' in html, name
    start = client.get(reverse("nominations:start", args=[edition.pk])).content.decode()
    assert f'{words} <time datetime="2031-06-01T17:00:00+02:00" data-countdown>' in start


def test_form_fields_are_set_up_for_drafts_and_each_form_has_its_own(draft_client):
    from nominations.forms import NominationForm

    client, url = draft_client
    html = client.get(url).content.decode()
    first, second = NominationForm(), NominationForm()
    first.fields["city"].required = True
    first.fields["pitch"].widget.attrs["maxlength"] = 1

    assert [name for name, field in second.fields.items() if field.required] == ["startup_name"]
    assert NominationForm().fields["pitch"].widget.attrs["maxlength"] == 160
    assert re.search(r'<select name="sector"[^>]*>\s*<option value="" selected>Choose...</option>', html)
    assert re.search(r'<select name="stage"[^>]*>\s*<option value="" selected>Choose...</option>', html)
    assert 'maxlength="160" data-counter="160"' in tag(html, "id_pitch")
    assert 'rows="3" maxlength="600" data-counter="600"' in tag(html, "id_flemingsberg_tie")
    assert 'rows="5" maxlength="1500" data-counter="1500"' in tag(html, "id_problem")
    assert "The company&#x27;s name as registered." in html and "One sentence a juror will remember." in html
