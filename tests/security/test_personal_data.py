"""Personal data: a startup downloads everything held about it and deletes its account (nominations of
editions whose scoring has closed are anonymised, the rest deleted); the privacy notice says so and links
the pages; the retention job anonymises contact data some years after an edition's announcement."""

import json
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import account_data_export, account_delete, contact_data_anonymise_expired
from accounts.session_store import SessionStore
from accounts.tasks import anonymise_expired_contact_data
from core.audit import audit_record
from core.models import AuditEvent
from nominations.models import Nomination
from tests.factories import (
    EditionFactory,
    NominationFactory,
    SubmittedNominationFactory,
    UserFactory,
    activate_totp_for,
)

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # tests/factories.py


def closed_edition(**kwargs):
    """An edition whose jury finished scoring a month ago."""
    kwargs.setdefault("nominations_open_at", timezone.now() - timedelta(days=120))
    return EditionFactory(**kwargs)


@pytest.fixture
def startup():
    return UserFactory(email="sara@neurogrid.example", name="Sara Lind")


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def log_in(client, user) -> str:
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client.session.session_key


# --- Export ------------------------------------------------------------------------------------------


def test_export_holds_the_account_every_nomination_field_files_and_audit_events(client, startup):
    nomination = SubmittedNominationFactory(submitted_by=startup, startup_name="Neurogrid AB")
    draft = NominationFactory(submitted_by=startup, startup_name="Second Try AB")
    audit_record(action="nomination.submitted", actor=startup, obj=nomination)
    someone_else = SubmittedNominationFactory()
    audit_record(action="nomination.submitted", actor=someone_else.submitted_by, obj=someone_else)
    client.force_login(startup)

    response = client.get(reverse("accounts:personal_data_export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="flemingsberg-science-award-my-data-')
    assert response["X-Content-Type-Options"] == "nosniff"
    document = json.loads(response.content)
    assert document["account"]["email"] == "sara@neurogrid.example"
    assert document["account"]["name"] == "Sara Lind"
    assert document["account"]["email_addresses"] == [
        {"email": "sara@neurogrid.example", "verified": True, "primary": True}
    ]
    assert [n["startup_name"] for n in document["nominations"]] == ["Neurogrid AB", "Second Try AB"]
    exported = document["nominations"][0]
    for field in Nomination._meta.concrete_fields:
        assert field.name in exported, field.name
    assert exported["contact_name"] == "Maja Ek" and exported["contact_phone"] == "08-123 456 78"
    assert exported["files"] == [{"file_name": "deck.pdf", "bytes": len(b"%PDF-1.4\n%%EOF\n")}]
    assert document["nominations"][1]["id"] == draft.pk and document["nominations"][1]["files"] == []
    actions = [(e["what"], e["object"]) for e in document["audit_events"]]
    assert ("nomination.submitted", f"nomination:{nomination.pk}") in actions
    assert f"nomination:{someone_else.pk}" not in {obj for _what, obj in actions}


def test_export_never_contains_secrets(startup):
    activate_totp_for(startup)

    text = json.dumps(account_data_export(user=startup), default=str)

    assert startup.password not in text
    assert Authenticator.objects.get(user=startup, type="totp").data["secret"] not in text
    assert json.loads(text)["account"]["two_factor_authentication"] == ["totp"]


def test_export_needs_a_login(client):
    response = client.get(reverse("accounts:personal_data_export"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_data_page_lists_the_nominations_and_links_export_and_delete(english, startup):
    SubmittedNominationFactory(submitted_by=startup, startup_name="Neurogrid AB")
    english.force_login(startup)

    html = english.get(reverse("accounts:personal_data")).content.decode()

    assert "Neurogrid AB" in html
    assert reverse("accounts:personal_data_export") in html and reverse("accounts:delete") in html


# --- Deletion ----------------------------------------------------------------------------------------


def test_deleting_needs_the_password(english, startup):
    log_in(english, startup)

    response = english.post(reverse("accounts:delete"), {"password": "not-my-password"})

    assert response.status_code == 400
    assert "The password is not correct." in response.content.decode()
    startup.refresh_from_db()
    assert startup.is_active and startup.email == "sara@neurogrid.example"


def test_deleting_the_account_anonymises_closed_and_deletes_open_nominations(
    english, startup, django_capture_on_commit_callbacks
):
    closed = SubmittedNominationFactory(submitted_by=startup, edition=closed_edition(), startup_name="Kept AB")
    closed_draft = NominationFactory(submitted_by=startup, edition=closed.edition, startup_name="Old Draft AB")
    open_one = SubmittedNominationFactory(submitted_by=startup, startup_name="Open AB")
    draft = NominationFactory(submitted_by=startup, startup_name="Draft AB")
    deck = open_one.pitch_deck
    deck_storage, deck_name = deck.storage, deck.name
    key = log_in(english, startup)
    other_client = Client()
    other_key = log_in(other_client, startup)
    activate_totp_for(startup)

    with django_capture_on_commit_callbacks(execute=True):
        response = english.post(reverse("accounts:delete"), {"password": PASSWORD}, follow=True)

    assert "Your account is deleted." in response.content.decode()
    closed.refresh_from_db()
    assert (closed.contact_name, closed.contact_phone, closed.pitch_deck_name) == ("", "", "")
    assert closed.startup_name == "Kept AB" and closed.status == "submitted" and closed.submitted_by_id == startup.pk
    assert not Nomination.objects.filter(pk__in=[open_one.pk, draft.pk, closed_draft.pk]).exists()
    assert not deck_storage.exists(deck_name)
    startup.refresh_from_db()
    assert startup.email == f"deleted-{startup.pk}@invalid.invalid" and startup.name == ""
    assert not startup.is_active and not startup.has_usable_password()
    assert not EmailAddress.objects.filter(user=startup).exists()
    assert not Authenticator.objects.filter(user=startup).exists()
    assert not SessionStore().exists(key) and not SessionStore().exists(other_key)
    assert other_client.get(reverse("accounts:personal_data")).status_code == 302
    event = AuditEvent.objects.get(action="account.deleted")
    assert event.data == {"kept": 1, "deleted": 3}


def test_a_deleted_account_cannot_log_in_and_its_address_is_free_again(client, startup):
    account_delete(user=startup)

    response = client.post(reverse("account_login"), {"login": "sara@neurogrid.example", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200
    UserFactory(email="sara@neurogrid.example")
    assert User.objects.filter(email="sara@neurogrid.example").count() == 1


# --- Privacy notice ----------------------------------------------------------------------------------


def test_privacy_notice_describes_the_rights_and_links_the_pages(english, startup, settings):
    settings.PERSONAL_DATA_RETENTION_YEARS = 5
    english.force_login(startup)

    html = english.get(reverse("public:privacy")).content.decode()

    assert "anonymised 5 years after the edition's announcement" in " ".join(html.split())
    for url in (
        reverse("accounts:personal_data"),
        reverse("accounts:personal_data_export"),
        reverse("accounts:delete"),
        reverse("account_email"),
    ):
        assert f'href="{url}"' in html, url
    assert "Access and portability" in html and "Erasure" in html


def test_privacy_notice_for_visitors_says_where_to_go(english):
    html = english.get(reverse("public:privacy")).content.decode()

    assert f'href="{reverse("accounts:personal_data")}"' in html


# --- Retention ---------------------------------------------------------------------------------------


def test_retention_job_anonymises_contact_data_years_after_the_announcement(settings):
    settings.PERSONAL_DATA_RETENTION_YEARS = 5
    old = SubmittedNominationFactory(edition=closed_edition())
    recent = SubmittedNominationFactory(edition=closed_edition(year=2099))
    announced = old.edition.announce_at

    with time_machine.travel(announced + timedelta(days=5 * 365), tick=False):
        assert contact_data_anonymise_expired() == 0  # a day or so short of five years
    with time_machine.travel(announced + timedelta(days=5 * 366), tick=False):
        recent.edition.announce_at = timezone.now() - timedelta(days=365)
        recent.edition.save()
        assert anonymise_expired_contact_data.delay().get() == 1
        assert contact_data_anonymise_expired() == 0  # a second run changes nothing

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.contact_name, old.contact_phone, old.pitch_deck_name) == ("", "", "")
    assert old.startup_name and old.pitch  # the company's entry stays with the result
    assert recent.contact_name == "Maja Ek"
    assert AuditEvent.objects.get(action="personal_data.retention_anonymised").data == {"nominations": 1}


def test_retention_job_is_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["anonymise-expired-contact-data"]

    assert entry["task"] == "accounts.tasks.anonymise_expired_contact_data"
    assert entry["schedule"] <= 31 * 24 * 60 * 60
