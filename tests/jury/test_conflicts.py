"""Conflicts of interest: the juror's declarations, the suggestions computed from the data, the
organiser's findings; and that a conflicted juror never sees nor scores the nomination."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import AuditEvent
from jury import selectors
from jury.models import ConflictDeclaration, Scorecard
from jury.services.conflicts import ConflictAnswer, conflict_record, conflicts_declare
from jury.services.scoring import scorecard_save
from nominations.models import Nomination
from tests.factories import (
    OrganiserFactory,
    SubmittedNominationFactory,
    UserFactory,
    assignment_for,
    edition_in_scoring,
    juror_with_mfa,
    jury_plan_released,
)
from tests.jury.juror_setup import scoring_jury

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    edition = edition_in_scoring()
    jury_plan_released(edition)
    return edition


@pytest.fixture
def juror(edition):
    return juror_with_mfa(edition=edition, name="Eva Berg", email="eva@karolinska.example")


@pytest.fixture
def nomination(edition):
    return SubmittedNominationFactory(
        edition=edition,
        status=Nomination.Status.ELIGIBLE,
        startup_name="Neurogrid AB",
        website="https://www.neurogrid.example/",
        pitch="EEG headbands that spot seizures at home.",
        problem="Epilepsy patients wait months for a diagnosis.",
    )


@pytest.fixture
def assigned(juror, nomination):
    return assignment_for(juror, nomination, declared=None)


@pytest.fixture
def juror_client(client, juror):
    client.force_login(juror)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def organiser_client(client):
    client.force_login(OrganiserFactory())
    client.cookies["django_language"] = "en"
    return client


def conflicts_url():
    return reverse("jury:conflicts")


def organiser_url(edition):
    return reverse("jury:organiser_conflicts", args=[edition.pk])


# The juror's form


def test_form_shows_only_name_org_number_website_and_pitch(juror_client, assigned, nomination):
    html = juror_client.get(conflicts_url()).content.decode()

    assert "Neurogrid AB" in html
    assert nomination.org_number in html
    assert "https://www.neurogrid.example/" in html
    assert "EEG headbands that spot seizures at home." in html
    assert "Epilepsy patients wait months" not in html
    assert nomination.contact_phone not in html
    assert reverse("nominations:pitch_deck", args=[nomination.pk]) not in html


def test_unreleased_assignments_are_not_on_the_form(juror_client, assigned, edition):
    jury_plan_released(edition, released=False)

    html = juror_client.get(conflicts_url()).content.decode()

    assert "Neurogrid AB" not in html


def test_declaring_no_conflict_is_recorded_and_audited(juror_client, assigned, juror, nomination):
    response = juror_client.post(conflicts_url(), {f"answer_{nomination.pk}": "no", f"note_{nomination.pk}": ""})

    assert response.status_code == 302
    declaration = ConflictDeclaration.objects.get()
    assert (declaration.juror, declaration.has_conflict, declaration.kind, declaration.source) == (
        juror,
        False,
        "",
        "juror",
    )
    event = AuditEvent.objects.get(action="conflict.declared")
    assert event.actor == juror
    assert event.data == {
        "juror": juror.pk,
        "nomination": nomination.pk,
        "has_conflict": False,
        "kind": "",
        "note": "",
        "source": "juror",
        "previous": None,
    }


def test_declaring_a_conflict_records_kind_and_note(juror_client, assigned, juror, nomination):
    juror_client.post(
        conflicts_url(),
        {
            f"answer_{nomination.pk}": "yes",
            f"kind_{nomination.pk}": "adviser",
            f"note_{nomination.pk}": "On the board.",
        },
    )

    declaration = ConflictDeclaration.objects.get()
    assert (declaration.has_conflict, declaration.kind, declaration.note) == (True, "adviser", "On the board.")
    assert AuditEvent.objects.get(action="conflict.declared").data["kind"] == "adviser"


def test_changing_an_answer_audits_the_previous_one(juror_client, assigned, nomination):
    juror_client.post(conflicts_url(), {f"answer_{nomination.pk}": "no"})
    juror_client.post(conflicts_url(), {f"answer_{nomination.pk}": "yes", f"kind_{nomination.pk}": "family"})

    events = list(AuditEvent.objects.filter(action="conflict.declared").order_by("id"))
    assert len(events) == 2
    assert events[1].data["previous"] == {"has_conflict": False, "kind": "", "note": "", "source": "juror"}
    assert ConflictDeclaration.objects.get().kind == "family"


def test_sending_the_same_answer_again_writes_nothing(juror_client, assigned, nomination):
    juror_client.post(conflicts_url(), {f"answer_{nomination.pk}": "no"})
    juror_client.post(conflicts_url(), {f"answer_{nomination.pk}": "no"})

    assert AuditEvent.objects.filter(action="conflict.declared").count() == 1


def test_a_conflict_without_its_kind_is_refused(juror_client, assigned, nomination):
    response = juror_client.post(conflicts_url(), {f"answer_{nomination.pk}": "yes", f"note_{nomination.pk}": "hm"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose the kind of conflict." in html
    assert 'value="hm"' in html
    assert ConflictDeclaration.objects.count() == 0


def test_one_wrong_answer_saves_none(juror_client, assigned, juror, edition, nomination):
    other = SubmittedNominationFactory(edition=edition, status="eligible")
    assignment_for(juror, other, position=1, declared=None)

    juror_client.post(
        conflicts_url(),
        {f"answer_{nomination.pk}": "no", f"answer_{other.pk}": "yes", f"kind_{other.pk}": "not-a-kind"},
    )

    assert ConflictDeclaration.objects.count() == 0


@pytest.mark.parametrize("extra", [{"juror": "1"}, {"source": "organiser"}, {"answer_999999": "no"}])
def test_fields_that_do_not_belong_refuse_the_post(juror_client, assigned, nomination, extra):
    response = juror_client.post(conflicts_url(), {f"answer_{nomination.pk}": "no", **extra})

    assert response.status_code == 400
    assert "do not belong" in response.content.decode()
    assert ConflictDeclaration.objects.count() == 0


def test_a_nomination_not_assigned_to_the_juror_cannot_be_declared(juror, edition):
    stranger = SubmittedNominationFactory(edition=edition, status="eligible")

    with pytest.raises(PermissionDenied):
        conflicts_declare(actor=juror, answers=[ConflictAnswer(nomination_id=stranger.pk, has_conflict=False)])

    assert ConflictDeclaration.objects.count() == 0


def test_declarations_close_with_scoring(juror, assigned, nomination, edition):
    with (
        time_machine.travel(edition.scoring_close_at + timedelta(seconds=1), tick=False),
        pytest.raises(ValidationError, match="Scoring has closed"),
    ):
        conflicts_declare(actor=juror, answers=[ConflictAnswer(nomination_id=nomination.pk, has_conflict=False)])

    assert ConflictDeclaration.objects.count() == 0


def test_a_conflict_an_organiser_recorded_cannot_be_undone_by_the_juror(juror, assigned, nomination):
    conflict_record(actor=OrganiserFactory(), juror=juror, nomination=nomination, has_conflict=True, kind="investor")

    with pytest.raises(ValidationError, match="An organiser has recorded"):
        conflicts_declare(actor=juror, answers=[ConflictAnswer(nomination_id=nomination.pk, has_conflict=False)])

    assert ConflictDeclaration.objects.get().has_conflict is True


def test_the_form_hints_at_a_likely_conflict(juror_client, juror, edition):
    nomination = SubmittedNominationFactory(edition=edition, status="eligible", website="https://karolinska.example")
    assignment_for(juror, nomination, declared=None)

    html = juror_client.get(conflicts_url()).content.decode()

    assert "Your e-mail domain is the startup&#x27;s website domain." in html


# A conflicted juror never sees nor scores the nomination


@pytest.fixture
def conflicted():
    jury = scoring_jury(nominations=2)
    ConflictDeclaration.objects.filter(juror=jury.juror, nomination=jury.nomination).update(
        has_conflict=True, kind="investor"
    )
    return jury


def test_conflicted_juror_gets_404_on_every_page_of_the_nomination(client, conflicted):
    client.force_login(conflicted.juror)
    pk = conflicted.nomination.pk

    for url in (
        reverse("jury:score", args=[pk]),
        reverse("nominations:detail", args=[pk]),
        reverse("nominations:pitch_deck", args=[pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("jury:score", args=[pk]), {**conflicted.all_scores(), "action": "submit"})
    assert response.status_code == 404
    assert Scorecard.objects.count() == 0


def test_conflicted_juror_cannot_score_through_the_service(conflicted):
    with pytest.raises(PermissionDenied):
        scorecard_save(
            actor=conflicted.juror,
            nomination=conflicted.nomination,
            values={c.pk: 3 for c in conflicted.criteria},
            submit=True,
        )


def test_conflicted_nomination_is_not_on_the_dashboard_nor_counted(client, conflicted):
    client.force_login(conflicted.juror)
    client.cookies["django_language"] = "en"

    html = client.get(reverse("jury:dashboard")).content.decode()

    assert conflicted.nomination.startup_name not in html
    assert conflicted.nominations[1].startup_name in html
    assert "0 of 1 scorecards submitted" in html
    assert "One nomination is left out because of a conflict of interest." in html


def test_the_juror_still_sees_the_conflicted_nomination_on_the_conflict_form(client, conflicted):
    """...so they can correct a mistaken answer: name, number, website and pitch only."""
    client.force_login(conflicted.juror)

    html = client.get(conflicts_url()).content.decode()

    assert conflicted.nomination.startup_name in html
    assert conflicted.nomination.problem not in html


# Suggestions computed from the data


@pytest.mark.parametrize(
    ("email", "website", "suggested"),
    [
        ("eva@neurogrid.example", "https://neurogrid.example", True),
        ("eva@neurogrid.example", "https://www.neurogrid.example/team", True),
        ("eva@NeuroGrid.Example", "http://WWW.neurogrid.example", True),
        ("eva@www.neurogrid.example", "neurogrid.example", True),
        ("eva@mail.neurogrid.example", "https://neurogrid.example", False),
        ("eva@gmail.com", "https://gmail.com", False),
        ("eva@outlook.com", "https://www.outlook.com", False),
        ("eva@hotmail.com", "https://hotmail.com", False),
        ("eva@yahoo.com", "https://yahoo.com", False),
        ("eva@icloud.com", "https://icloud.com", False),
        ("eva@karolinska.example", "https://neurogrid.example", False),
        ("eva@karolinska.example", "", False),
    ],
)
def test_same_email_and_website_domain_is_suggested(email, website, suggested):
    user = UserFactory.build(email=email, name="")
    nomination = Nomination(website=website, team="")

    reasons = selectors.conflict_reasons(user=user, nomination=nomination)

    assert (selectors.REASON_EMAIL_DOMAIN in reasons) is suggested


@pytest.mark.parametrize(
    ("name", "team", "suggested"),
    [
        ("Eva Berg", "Our adviser Eva Berg, MD, leads the clinical work.", True),
        ("Eva Berg", "EVA  BERG (CTO) and two engineers.", True),
        ("Eva Berg", "eva berg\nchemist", True),
        ("Eva Berg", "Evan Bergström and Maja Ek.", False),
        ("Eva Berg", "Eva and Karl Berg.", False),
        ("Eva", "Eva, our CEO.", False),
        ("", "Anyone.", False),
    ],
)
def test_the_jurors_full_name_in_the_team_text_is_suggested(name, team, suggested):
    user = UserFactory.build(email="x@karolinska.example", name=name)
    nomination = Nomination(website="", team=team)

    reasons = selectors.conflict_reasons(user=user, nomination=nomination)

    assert (selectors.REASON_NAME_IN_TEAM in reasons) is suggested


def test_suggestions_cover_every_juror_and_live_nomination_of_the_edition(edition, juror):
    matching = SubmittedNominationFactory(edition=edition, status="eligible", team="Eva Berg and friends")
    SubmittedNominationFactory(edition=edition, status="draft", team="Eva Berg", submitted_at=None)
    SubmittedNominationFactory(edition=edition, status="eligible", team="Someone else")
    other_juror = juror_with_mfa(edition=edition, email="kim@bioworks.example", name="Kim Lo")
    by_domain = SubmittedNominationFactory(edition=edition, status="submitted", website="https://bioworks.example")

    suggestions = selectors.conflict_suggestions_for_edition(edition=edition)

    assert {(s.juror, s.nomination, s.reasons) for s in suggestions} == {
        (juror, matching, ("name_in_team",)),
        (other_juror, by_domain, ("email_domain",)),
    }


# The organiser's page


@pytest.fixture
def suggested(edition, juror):
    return SubmittedNominationFactory(
        edition=edition, status="eligible", startup_name="Karo Spinout AB", website="https://karolinska.example"
    )


def test_organiser_page_lists_the_suggestions(organiser_client, edition, suggested):
    html = organiser_client.get(organiser_url(edition)).content.decode()

    assert "Karo Spinout AB" in html
    assert "Eva Berg" in html
    assert "Confirm the conflict" in html


def test_confirming_a_suggestion_records_a_conflict_from_the_organiser(organiser_client, edition, juror, suggested):
    response = organiser_client.post(
        organiser_url(edition),
        {"juror": juror.pk, "nomination": suggested.pk, "decision": "confirm", "kind": "employer"},
    )

    assert response.status_code == 302
    declaration = ConflictDeclaration.objects.get()
    assert (declaration.juror, declaration.nomination, declaration.has_conflict, declaration.kind) == (
        juror,
        suggested,
        True,
        "employer",
    )
    assert declaration.source == "organiser"
    event = AuditEvent.objects.get(action="conflict.recorded")
    assert event.data["suggestion"] == ["email_domain"]
    assert event.data["has_conflict"] is True
    html = organiser_client.get(organiser_url(edition)).content.decode()
    assert "No open suggestions." in html


def test_dismissing_a_suggestion_records_no_conflict_from_the_organiser(organiser_client, edition, juror, suggested):
    organiser_client.post(
        organiser_url(edition), {"juror": juror.pk, "nomination": suggested.pk, "decision": "dismiss", "kind": "other"}
    )

    declaration = ConflictDeclaration.objects.get()
    assert (declaration.has_conflict, declaration.kind, declaration.source) == (False, "", "organiser")
    assert AuditEvent.objects.get(action="conflict.recorded").data["has_conflict"] is False


def test_organiser_records_a_finding_with_the_form(organiser_client, edition, juror, nomination):
    response = organiser_client.post(
        organiser_url(edition),
        {
            "juror": juror.pk,
            "nomination": nomination.pk,
            "has_conflict": "yes",
            "kind": "cofounder",
            "note": "Told us.",
        },
    )

    assert response.status_code == 302
    declaration = ConflictDeclaration.objects.get()
    assert (declaration.kind, declaration.note, declaration.source) == ("cofounder", "Told us.", "organiser")


def test_organiser_cannot_record_for_someone_off_the_jury(organiser_client, edition, nomination):
    outsider = UserFactory()

    response = organiser_client.post(
        organiser_url(edition),
        {"juror": outsider.pk, "nomination": nomination.pk, "decision": "confirm", "kind": "other"},
    )

    assert response.status_code == 400
    assert ConflictDeclaration.objects.count() == 0


@pytest.mark.parametrize("who", ["juror", "startup", "anonymous"])
def test_organiser_page_is_a_404_for_everyone_else(client, edition, juror, nomination, who):
    if who == "juror":
        client.force_login(juror)
    elif who == "startup":
        client.force_login(nomination.submitted_by)

    response = client.get(organiser_url(edition))

    assert response.status_code == (302 if who == "anonymous" else 404)
