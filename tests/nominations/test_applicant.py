"""A startup prepares, submits, changes and withdraws its nomination; deadlines hold on the server."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import translation

from core.models import AuditEvent
from nominations import services
from nominations.models import Nomination
from tests.factories import EditionFactory, NominationFactory, OrganiserFactory, UserFactory
from tests.nominations import pdfs

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")

COMPLETE = {
    "startup_name": "Neurogrid Diagnostics AB",
    "org_number": "556677-8899",
    "website": "https://neurogrid.example",
    "founded_year": "2023",
    "sector": "medtech",
    "stage": "clinical",
    "team_size": "7",
    "city": "Huddinge",
    "flemingsberg_tie": "Lab space at A Working Lab; clinical partner at Karolinska University Hospital, Huddinge.",
    "contact_name": "Sara Lind",
    "contact_phone": "+46 8 123 456 78",
    "pitch": "EEG headbands that spot seizures at home.",
    "problem": "Epilepsy patients wait months for a diagnosis.",
    "solution": "A dry-electrode EEG headband and a cloud model that flags seizures.",
    "innovation": "Dry electrodes with hospital-grade signal.",
    "market": "Neurology clinics in the Nordics, then the EU.",
    "team": "Two neurologists, an engineer and a data scientist.",
    "impact": "Faster diagnosis, fewer hospital nights.",
    "video_url": "",
}


@pytest.fixture
def applicant():
    return UserFactory(email="sara@neurogrid.example")


@pytest.fixture
def edition():
    return EditionFactory()


@pytest.fixture
def draft(applicant, edition):
    return services.nomination_create(
        actor=applicant, edition=edition, data={"startup_name": "Neurogrid"}, language="en"
    )


def post_edit(client, nomination, data, action="save", deck=None):
    payload = {**data, action: "1"}
    if deck is not None:
        payload["pitch_deck_upload"] = deck
    return client.post(reverse("nominations:edit", args=[nomination.pk]), payload)


def test_starting_needs_a_verified_account(client, edition):
    client.force_login(UserFactory(verified=False))

    response = client.post(reverse("nominations:start", args=[edition.pk]), {"startup_name": "X"})

    assert response.status_code == 302
    assert Nomination.objects.count() == 0


def test_start_creates_a_draft_and_logs_it(client, applicant, edition):
    client.force_login(applicant)

    response = client.post(
        reverse("nominations:start", args=[edition.pk]), {"startup_name": "Neurogrid", "org_number": "5566778899"}
    )

    nomination = Nomination.objects.get()
    assert response["Location"] == reverse("nominations:edit", args=[nomination.pk])
    assert (nomination.status, nomination.org_number, nomination.submitted_by) == ("draft", "556677-8899", applicant)
    assert AuditEvent.objects.filter(action="nomination.created", object_id=str(nomination.pk)).count() == 1


def test_draft_saves_partial_work_over_several_visits(client, applicant, draft):
    client.force_login(applicant)

    post_edit(client, draft, {"startup_name": "Neurogrid", "pitch": "EEG at home."})
    post_edit(client, draft, {"startup_name": "Neurogrid", "pitch": "EEG at home.", "city": "Huddinge"})

    draft.refresh_from_db()
    assert (draft.pitch, draft.city, draft.status) == ("EEG at home.", "Huddinge", "draft")


def test_invalid_field_keeps_everything_typed_and_saves_nothing(client, applicant, draft):
    client.force_login(applicant)
    client.cookies["django_language"] = "en"

    response = post_edit(client, draft, {**COMPLETE, "org_number": "556677-8898"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "last digit does not match" in html
    assert "EEG headbands that spot seizures at home." in html
    assert "Nothing you typed has been lost" in html
    draft.refresh_from_db()
    assert draft.pitch == ""


def test_good_upload_is_kept_when_another_field_is_wrong(client, applicant, draft):
    client.force_login(applicant)

    post_edit(client, draft, {**COMPLETE, "website": "not a url"}, deck=pdfs.upload(pdfs.real_pdf(), "Our deck.pdf"))

    draft.refresh_from_db()
    assert draft.pitch_deck
    assert draft.pitch_deck_name == "Our deck.pdf"
    assert draft.pitch == ""


def test_bad_upload_says_to_choose_the_file_again(client, applicant, draft):
    client.force_login(applicant)
    client.cookies["django_language"] = "en"

    response = post_edit(client, draft, COMPLETE, deck=pdfs.upload(pdfs.html_renamed_to_pdf(), "deck.pdf"))

    html = response.content.decode()
    assert "The pitch deck must be a PDF file." in html
    assert "please choose a valid PDF again" in html
    draft.refresh_from_db()
    assert not draft.pitch_deck


def test_deck_is_stored_privately_under_a_random_name(client, applicant, draft, settings):
    client.force_login(applicant)

    post_edit(client, draft, COMPLETE, deck=pdfs.upload(pdfs.real_pdf(), "../../etc/passwd.pdf"))

    draft.refresh_from_db()
    path = draft.pitch_deck.path
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert "passwd" not in path and ".." not in draft.pitch_deck.name
    assert draft.pitch_deck.name.startswith("decks/") and draft.pitch_deck.name.endswith(".pdf")


def test_incomplete_submit_lists_what_is_missing(client, applicant, draft):
    client.force_login(applicant)
    client.cookies["django_language"] = "en"

    response = post_edit(client, draft, {"startup_name": "Neurogrid", "consent": "on"}, action="submit")

    assert response.status_code == 200
    assert response.content.decode().count("This is needed before the nomination can be submitted.") == 18
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_submit_without_consent_is_refused(client, applicant, draft):
    client.force_login(applicant)
    client.cookies["django_language"] = "en"

    response = post_edit(client, draft, COMPLETE, action="submit", deck=pdfs.upload(pdfs.real_pdf()))

    assert "Please agree to the processing of personal data to submit." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert draft.pitch_deck  # saved with the rest of the draft


def test_submit_confirms_by_email_and_logs_it(client, applicant, draft, django_capture_on_commit_callbacks):
    client.force_login(applicant)
    client.cookies["django_language"] = "en"

    with django_capture_on_commit_callbacks(execute=True):
        response = post_edit(
            client, draft, {**COMPLETE, "consent": "on"}, action="submit", deck=pdfs.upload(pdfs.real_pdf())
        )

    draft.refresh_from_db()
    assert response["Location"] == reverse("nominations:detail", args=[draft.pk])
    assert draft.status == "submitted"
    assert draft.submitted_at is not None and draft.consent_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sara@neurogrid.example"]
    year = draft.edition.year
    assert message.subject == f"[Flemingsberg Science Award] Nomination received: Neurogrid Diagnostics AB ({year})"
    assert "EEG headbands that spot seizures at home." in message.body
    assert f"/nominations/{draft.pk}/" in message.body
    assert AuditEvent.objects.filter(action="nomination.submitted", object_id=str(draft.pk)).count() == 1
    page = client.get(reverse("nominations:detail", args=[draft.pk])).content.decode()
    assert "Submitted" in page and "Draft created" in page


def test_confirmation_is_written_in_the_applicants_language(
    client, applicant, edition, django_capture_on_commit_callbacks
):
    client.force_login(applicant)
    client.cookies["django_language"] = "sv"
    client.post(reverse("nominations:start", args=[edition.pk]), {"startup_name": "Neurogrid"})
    nomination = Nomination.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        post_edit(client, nomination, {**COMPLETE, "consent": "on"}, action="submit", deck=pdfs.upload(pdfs.real_pdf()))

    assert mail.outbox[0].subject.startswith("[Flemingsberg Science Award] Nominering mottagen")


def submitted(applicant, edition):
    nomination = services.nomination_create(actor=applicant, edition=edition, data=COMPLETE)
    services.nomination_update(
        actor=applicant, nomination=nomination, data=COMPLETE, pitch_deck=pdfs.upload(pdfs.real_pdf())
    )
    return services.nomination_submit(actor=applicant, nomination=nomination, consent=True)


def test_submitted_nomination_can_be_changed_but_must_stay_complete(client, applicant, edition):
    nomination = submitted(applicant, edition)
    client.force_login(applicant)
    client.cookies["django_language"] = "en"

    post_edit(client, nomination, {**COMPLETE, "pitch": "Seizure alerts at home."}, action="submit")
    response = post_edit(client, nomination, {**COMPLETE, "problem": ""}, action="submit")

    nomination.refresh_from_db()
    assert nomination.pitch == "Seizure alerts at home."
    assert nomination.problem == COMPLETE["problem"]
    assert nomination.status == "submitted"
    assert "This is needed before the nomination can be submitted." in response.content.decode()


def test_withdraw(client, applicant, edition):
    nomination = submitted(applicant, edition)
    client.force_login(applicant)

    client.post(reverse("nominations:withdraw", args=[nomination.pk]))

    nomination.refresh_from_db()
    assert nomination.status == "withdrawn"
    assert AuditEvent.objects.filter(action="nomination.withdrawn").count() == 1


def test_second_nomination_of_the_same_organisation_gets_a_clear_message(client, applicant, edition):
    submitted(applicant, edition)
    other = UserFactory()
    client.force_login(other)
    client.cookies["django_language"] = "en"

    response = client.post(
        reverse("nominations:start", args=[edition.pk]), {"startup_name": "Copy", "org_number": "556677-8899"}
    )

    assert response.status_code == 200
    assert "This organisation is already nominated in this edition." in response.content.decode()
    assert Nomination.objects.count() == 1


def test_withdrawn_organisation_can_be_nominated_again(applicant, edition):
    nomination = submitted(applicant, edition)
    services.nomination_withdraw(actor=applicant, nomination=nomination)

    again = services.nomination_create(actor=applicant, edition=edition, data=COMPLETE)

    assert again.org_number == "556677-8899"


# Deadlines: enforced on the server in Stockholm time, across a daylight-saving change.
# Summer time starts in Sweden on Sunday 30 March 2031 at 02:00 (clocks go to 03:00).
DST_DEADLINE = datetime(2031, 3, 30, 3, 30, tzinfo=STOCKHOLM)  # 01:30 UTC, one hour after the change


@pytest.fixture
def dst_edition():
    return EditionFactory(
        nominations_open_at=datetime(2031, 2, 1, 9, 0, tzinfo=STOCKHOLM), nominations_close_at=DST_DEADLINE
    )


def test_dst_deadline_is_stored_as_the_right_instant(dst_edition):
    dst_edition.refresh_from_db()
    assert dst_edition.nominations_close_at.astimezone(ZoneInfo("UTC")).hour == 1
    assert dst_edition.nominations_close_at.utcoffset() == timedelta(hours=2) or (
        dst_edition.nominations_close_at.astimezone(STOCKHOLM).utcoffset() == timedelta(hours=2)
    )


def test_submit_one_second_before_the_deadline_is_accepted(applicant, dst_edition):
    with time_machine.travel(datetime(2031, 3, 1, 12, 0, tzinfo=STOCKHOLM), tick=False):
        nomination = services.nomination_create(actor=applicant, edition=dst_edition, data=COMPLETE)
        services.nomination_update(
            actor=applicant, nomination=nomination, data=COMPLETE, pitch_deck=pdfs.upload(pdfs.real_pdf())
        )

    with time_machine.travel(DST_DEADLINE - timedelta(seconds=1), tick=False):
        services.nomination_submit(actor=applicant, nomination=nomination, consent=True)

    nomination.refresh_from_db()
    assert nomination.status == "submitted"


def test_submit_one_second_after_the_deadline_is_refused_cleanly(client, applicant, dst_edition):
    with time_machine.travel(datetime(2031, 3, 1, 12, 0, tzinfo=STOCKHOLM), tick=False):
        nomination = services.nomination_create(actor=applicant, edition=dst_edition, data=COMPLETE)
        services.nomination_update(
            actor=applicant, nomination=nomination, data=COMPLETE, pitch_deck=pdfs.upload(pdfs.real_pdf())
        )
    client.cookies["django_language"] = "en"

    with time_machine.travel(DST_DEADLINE + timedelta(seconds=1), tick=False):
        client.force_login(applicant)
        with pytest.raises(ValidationError) as error:
            services.nomination_submit(actor=applicant, nomination=nomination, consent=True)
        response = post_edit(client, nomination, {**COMPLETE, "consent": "on"}, action="submit")
        page = client.get(response["Location"]).content.decode()

    assert error.value.code == "nominations_closed"
    assert response.status_code == 302
    assert response["Location"] == reverse("nominations:detail", args=[nomination.pk])
    assert "This nomination can no longer be changed." in page
    nomination.refresh_from_db()
    assert nomination.status == "draft"


def test_after_the_deadline_edit_and_withdraw_are_closed(client, applicant, edition):
    nomination = submitted(applicant, edition)
    with time_machine.travel(edition.nominations_close_at + timedelta(seconds=1), tick=False):
        client.force_login(applicant)
        edit = client.get(reverse("nominations:edit", args=[nomination.pk]))
        withdraw = client.post(reverse("nominations:withdraw", args=[nomination.pk]))

    assert edit.status_code == 302
    assert withdraw.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == "submitted"


# Who sees what.


@pytest.mark.parametrize("name", ["detail", "edit", "withdraw", "pitch_deck"])
def test_nobody_else_sees_a_nomination(client, applicant, edition, name):
    nomination = submitted(applicant, edition)
    url = reverse(f"nominations:{name}", args=[nomination.pk])

    anonymous = client.get(url)
    client.force_login(UserFactory())
    other_startup = client.get(url)

    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("account_login"))
    assert other_startup.status_code == 404


def test_startup_sees_only_its_own_nominations(client, applicant, edition):
    mine = submitted(applicant, edition)
    theirs = NominationFactory(edition=edition, startup_name="Someone Else AB")
    client.force_login(applicant)

    html = client.get(reverse("nominations:mine")).content.decode()

    assert mine.startup_name in html
    assert theirs.startup_name not in html


def test_deck_is_served_as_an_attachment_to_owner_and_organiser(client, applicant, edition):
    nomination = submitted(applicant, edition)

    for user in (applicant, OrganiserFactory()):
        client.force_login(user)
        response = client.get(reverse("nominations:pitch_deck", args=[nomination.pk]))
        body = b"".join(response.streaming_content)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="neurogrid-diagnostics-ab-pitch-deck.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert body.startswith(b"%PDF-")


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_nominations_of_one_organisation_leave_one(edition):
    if connection.vendor != "postgresql":
        pytest.skip("row locking and concurrent constraint checks are exercised on PostgreSQL")
    users = [UserFactory(), UserFactory()]
    barrier = threading.Barrier(2)
    outcomes = []

    def nominate(user):
        try:
            barrier.wait()
            translation.activate("en")
            services.nomination_create(actor=user, edition=edition, data=COMPLETE)
            outcomes.append("created")
        except ValidationError as exc:
            outcomes.append(exc.message_dict["org_number"][0])
        finally:
            connection.close()

    threads = [threading.Thread(target=nominate, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["This organisation is already nominated in this edition.", "created"]
    assert Nomination.objects.filter(org_number="556677-8899").count() == 1
