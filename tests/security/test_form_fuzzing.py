"""Random data posted to every form of the project, as a role that may use it and as roles that may not
(hypothesis, derandomized, so CI sees the same examples every run): no 5xx ever; a role that may not
use the form changes nothing (no INSERT, UPDATE or DELETE but on the session tables, no audit event);
a role that may use it changes nothing it must not (each form's invariant below). Then mass assignment:
fields that are no part of a form, posted by hand beside valid data, change nothing.

Each request runs in a savepoint rolled back afterwards, so every example sees the same world.
HYPOTHESIS_MAX_EXAMPLES raises the number of examples per form and role (default 8) for a longer run."""

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from awards.models import Criterion, Edition
from awards.services import CRITERION_FIELDS, EDITION_FIELDS
from jury.models import Assignment, ConflictDeclaration, Invitation, JuryMember, Scorecard
from jury.verdict.models import Announcement, Finalist
from nominations.models import Nomination
from nominations.services import EDITABLE_FIELDS
from tests.factories import valid_org_number

from .world import (
    ANONYMOUS,
    ASSIGNED,
    CHAIR,
    CONFLICTED,
    ORGANISER,
    STARTUP_A,
    STARTUP_B,
    UNASSIGNED,
    World,
    attempt,
    build_world,
)

FUZZ = settings(
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "8")),
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Field names that are no part of any form: what someone tampering with a request would try.
MASS_ASSIGNMENT_FIELDS = (
    "status", "edition", "edition_id", "submitted_by", "submitted_by_id", "juror", "juror_id", "weight", "role",
    "published_at", "winner", "winner_id", "is_staff", "is_superuser", "is_active", "groups", "user", "user_id",
    "screened_by", "invited_by", "accepted_by", "approved_by", "updated_by", "nomination", "pk", "id",
)  # fmt: skip

NASTY_STRINGS = st.sampled_from(
    [
        "", " ", "0", "-1", "1.5", "1e309", "NaN", "-Infinity", "9" * 40, "00000000000000000000001",
        "<script>alert(1)</script>", "'; DROP TABLE nominations_nomination; --", "\x00", "a\x00b",
        "../../etc/passwd", "yes", "no", "on", "true", "save", "submit", "publish", "schedule", "reopen",
        "add:1:1", "remove:999999:999999", "2031-02-30T25:61", "2031-06-01T12:00", "1900-01-01",
        "x" * 20_000, "ä" * 5_000, "\u202e\u200b\ufeff", "Ünïcødé 🎉", "\U0001d518\U0001d52b", "\u0663\u0664", "%s%n%x", "{{ 7*7 }}",
    ]
)  # fmt: skip
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70), st.floats(allow_nan=True, allow_infinity=True)
).map(str)
SCALAR = st.one_of(NASTY_STRINGS, TEXT, NUMBERS)
VALUE = st.one_of(SCALAR, SCALAR, st.lists(SCALAR, min_size=2, max_size=3))


def payloads(fields: list[str]) -> st.SearchStrategy[dict]:
    """Some of the form's fields (or none), some fields of no form, each with a hostile value or list."""
    names = st.one_of(st.sampled_from(fields), st.sampled_from(fields), st.sampled_from(MASS_ASSIGNMENT_FIELDS), TEXT)
    if not fields:
        names = st.one_of(st.sampled_from(MASS_ASSIGNMENT_FIELDS), TEXT)
    return st.dictionaries(names.filter(bool), VALUE, max_size=len(fields) + 4)


# ---------------------------------------------------------------------------------------------------
# The forms


def rows(queryset) -> list[tuple]:
    return list(queryset.order_by("pk").values_list())


def nominations_but(world: World, *labels: str) -> list[tuple]:
    return rows(Nomination.objects.exclude(pk__in=[world.nominations[label].pk for label in labels]))


@dataclass(frozen=True)
class Form:
    name: str
    url: Callable[[World], str]
    allowed: tuple[str, ...]  # roles that may use it
    refused: tuple[str, ...]  # roles that may not
    fields: Callable[[World], list[str]] = lambda world: []
    # What the allowed role must not change, whatever it posts: the same before and after.
    invariant: Callable[[World], object] = field(default=lambda world: None)


def _edition(label: str, name: str) -> Callable[[World], str]:
    return lambda world: reverse(name, args=[world.editions[label].pk])


def _nomination(label: str, name: str) -> Callable[[World], str]:
    return lambda world: reverse(name, args=[world.nominations[label].pk])


def _criteria_fields(world: World) -> list[str]:
    management = ["criteria-TOTAL_FORMS", "criteria-INITIAL_FORMS", "criteria-MIN_NUM_FORMS", "criteria-MAX_NUM_FORMS"]
    per_form = [f"criteria-{i}-{name}" for i in range(3) for name in (*CRITERION_FIELDS, "id", "DELETE")]
    return management + per_form


def _levels_fields(world: World) -> list[str]:
    return ["levels-TOTAL_FORMS", "levels-INITIAL_FORMS"] + [
        f"levels-{i}-{name}" for i in range(6) for name in ("value", "descriptor_sv", "descriptor_en")
    ]


def _conflict_fields(world: World) -> list[str]:
    pks = [world.nominations[label].pk for label in ("A.scoring", "B.scoring", "A.draft")]
    return [f"{prefix}_{pk}" for pk in pks for prefix in ("answer", "kind", "note")]


def _score_fields(world: World) -> list[str]:
    criteria = Criterion.objects.filter(edition=world.editions["scoring"]).values_list("pk", flat=True)
    return [f"score_{pk}" for pk in criteria] + ["score_999999", "comment", "action"]


def _others_scorecards(world: World) -> list[tuple]:
    return rows(Scorecard.objects.exclude(juror=world.users[CONFLICTED])) + rows(
        Scorecard.objects.filter(juror=world.users[CONFLICTED], nomination=world.nominations["A.scoring"])
    )


FORMS = [
    Form(
        "nomination edit and submit",
        _nomination("A.draft", "nominations:edit"),
        (STARTUP_A,),
        (STARTUP_B, ASSIGNED, ORGANISER),
        lambda world: [*EDITABLE_FIELDS, "submit", "consent", "pitch_deck_upload"],
        lambda world: (
            nominations_but(world, "A.draft"),
            Nomination.objects.filter(pk=world.nominations["A.draft"].pk)
            .values_list("edition_id", "submitted_by_id", "screened_by_id", "ineligible_reason")
            .get(),
        ),
    ),
    Form(
        "nomination start",
        _edition("open", "nominations:start"),
        (STARTUP_A,),
        (ANONYMOUS,),
        lambda world: ["startup_name", "org_number"],
        lambda world: (
            # Those there were stay as they were; any made is the actor's own draft (checked below).
            rows(Nomination.objects.filter(pk__in=[n.pk for n in world.nominations.values()])),
        ),
    ),
    Form(
        "nomination withdraw",
        _nomination("A.submitted", "nominations:withdraw"),
        (STARTUP_A,),
        (STARTUP_B, ORGANISER, CHAIR),
        invariant=lambda world: nominations_but(world, "A.submitted"),
    ),
    Form(
        "jury conflicts",
        lambda world: reverse("jury:conflicts"),
        (CONFLICTED,),
        (STARTUP_A, ORGANISER),
        _conflict_fields,
        lambda world: rows(ConflictDeclaration.objects.exclude(juror=world.users[CONFLICTED])),
    ),
    Form(
        "scoring",
        _nomination("B.scoring", "jury:score"),
        (CONFLICTED,),
        (UNASSIGNED, CHAIR, STARTUP_B, ORGANISER),
        _score_fields,
        _others_scorecards,
    ),
    Form(
        "scoring a nomination with a declared conflict",
        _nomination("A.scoring", "jury:score"),
        (),
        (CONFLICTED,),
        _score_fields,
    ),
    Form(
        "invitation create",
        _edition("scoring", "jury:invitations"),
        (ORGANISER,),
        (CHAIR, STARTUP_A),
        lambda world: ["email", "name", "role"],
        lambda world: (
            rows(Invitation.objects.filter(pk=world.invitation.pk)),
            set(Invitation.objects.values_list("edition_id", "invited_by_id", "accepted_by_id")),
        ),
    ),
    Form(
        "invitation accept",
        lambda world: reverse("jury:invitation_accept", args=[world.invitation.token]),
        (STARTUP_A,),
        (ANONYMOUS,),
        invariant=lambda world: (
            set(JuryMember.objects.filter(user=world.users[STARTUP_A]).values_list("edition_id", "role"))
            - {(world.editions["scoring"].pk, "juror")},
            User.objects.filter(is_staff=True).count(),
        ),
    ),
    Form(
        "member role",
        lambda world: reverse("jury:invitations_member_role", args=[world.members["scoring.assigned"].pk]),
        (ORGANISER,),
        (CHAIR, ASSIGNED),
        lambda world: ["role"],
        lambda world: rows(JuryMember.objects.values("pk", "edition_id", "user_id")),
    ),
    Form(
        "member remove",
        lambda world: reverse("jury:invitations_member_remove", args=[world.members["scoring.assigned"].pk]),
        (ORGANISER,),
        (CHAIR, ASSIGNED),
    ),
    Form(
        "invitation resend and revoke",
        lambda world: reverse("jury:invitation_revoke", args=[world.invitation.pk]),
        (ORGANISER,),
        (CHAIR, STARTUP_A),
    ),
    Form(
        "assignments generate",
        _edition("scoring", "jury:assignments_generate"),
        (ORGANISER,),
        (CHAIR, ASSIGNED),
        lambda world: ["mode", "jurors_per_nomination", "seed"],
        lambda world: rows(Assignment.objects.exclude(edition=world.editions["scoring"])),
    ),
    Form(
        "assignments change",
        _edition("open", "jury:assignments_change"),
        (ORGANISER,),
        (CHAIR, UNASSIGNED),
        lambda world: ["change"],
        lambda world: rows(Assignment.objects.exclude(edition=world.editions["open"])),
    ),
    Form(
        "assignments release",
        _edition("open", "jury:assignments_release"),
        (ORGANISER,),
        (CHAIR,),
        invariant=lambda world: rows(Assignment.objects.all()),
    ),
    Form(
        "progress nudge",
        lambda world: reverse("jury:progress_nudge", args=[world.editions["scoring"].pk, world.users[ASSIGNED].pk]),
        (ORGANISER,),
        (CHAIR, ASSIGNED),
    ),
    Form(
        "organiser conflicts",
        _edition("scoring", "jury:organiser_conflicts"),
        (ORGANISER,),
        (CHAIR, CONFLICTED),
        lambda world: ["juror", "nomination", "has_conflict", "kind", "note", "decision"],
        lambda world: rows(ConflictDeclaration.objects.exclude(nomination__edition=world.editions["scoring"])),
    ),
    Form(
        "screening",
        _nomination("A.submitted", "nominations:organiser_screen"),
        (ORGANISER,),
        (CHAIR, STARTUP_A),
        lambda world: ["decision", "reason"],
        lambda world: nominations_but(world, "A.submitted"),
    ),
    Form(
        "bulk screening",
        _edition("open", "nominations:organiser_bulk"),
        (ORGANISER,),
        (STARTUP_A, CHAIR),
        lambda world: ["nominations", "decision", "reason"],
        lambda world: rows(Nomination.objects.exclude(edition=world.editions["open"])),
    ),
    Form(
        "edition create",
        lambda world: reverse("awards:organiser_edition_create"),
        (ORGANISER,),
        (STARTUP_A, CHAIR),
        lambda world: ["award", *EDITION_FIELDS],
        lambda world: rows(Edition.objects.all()),
    ),
    Form(
        "edition edit",
        _edition("open", "awards:organiser_edition_edit"),
        (ORGANISER,),
        (STARTUP_A, CHAIR),
        lambda world: ["award", *EDITION_FIELDS],
        lambda world: rows(Edition.objects.exclude(pk=world.editions["open"].pk)),
    ),
    Form(
        "edition copy",
        _edition("closed", "awards:organiser_edition_copy"),
        (ORGANISER,),
        (STARTUP_A, CHAIR),
        lambda world: ["year", "nominations_open_at"],
        lambda world: rows(Edition.objects.all()),
    ),
    Form(
        "rubric",
        _edition("open", "awards:organiser_rubric"),
        (ORGANISER,),
        (STARTUP_A, CHAIR),
        _criteria_fields,
        lambda world: rows(Criterion.objects.exclude(edition=world.editions["open"])),
    ),
    Form(
        "rubric of a scoring edition",
        _edition("scoring", "awards:organiser_rubric"),
        (ORGANISER,),
        (CHAIR,),
        _criteria_fields,
        lambda world: rows(Criterion.objects.all()),
    ),
    Form(
        "criterion levels",
        lambda world: reverse(
            "awards:organiser_criterion_levels",
            args=[world.editions["open"].pk, world.criteria["open"].pk],
        ),
        (ORGANISER,),
        (STARTUP_A, CHAIR),
        _levels_fields,
        lambda world: rows(Criterion.objects.all()),
    ),
    Form(
        "finalists",
        _edition("closed", "verdict:finalists"),
        (CHAIR, ORGANISER),
        (ASSIGNED, STARTUP_A),
        lambda world: ["finalists"],
        lambda world: (
            set(Finalist.objects.values_list("nomination__edition_id", flat=True)) - {world.editions["closed"].pk}
        ),
    ),
    Form(
        "tie decision",
        _edition("closed", "verdict:tie_decide"),
        (CHAIR,),
        (ORGANISER, ASSIGNED),
        lambda world: ["group", "reason", "order", "position_1", "position_2"],
    ),
    Form(
        "winner approval",
        _edition("closed", "verdict:winner_approve"),
        (ORGANISER,),
        (CHAIR, STARTUP_A),
        lambda world: ["winner", "reason"],
    ),
    Form(
        "announcement",
        _edition("closed", "verdict:announcement"),
        (ORGANISER,),
        (CHAIR, ASSIGNED),
        lambda world: ["text_sv", "text_en", "publish_at", "action"],
        # Publishing needs an approved winner, which the world has not.
        lambda world: list(Announcement.objects.values_list("edition_id", "published_at")),
    ),
    Form(
        "tally run",
        _edition("closed", "verdict:tally_run"),
        (ORGANISER,),
        (CHAIR,),
    ),
    Form(
        "account delete",
        lambda world: reverse("accounts:delete"),
        (STARTUP_B,),
        (ANONYMOUS,),
        lambda world: ["password", "confirm"],
        # Random data never is the password, so nothing is deleted.
        lambda world: rows(User.objects.all()),
    ),
    Form(
        "language switch",
        lambda world: reverse("set_language"),
        (STARTUP_A, ANONYMOUS),
        (),
        lambda world: ["language", "next"],
        lambda world: rows(User.objects.values("pk", "email", "is_staff", "is_superuser", "is_active")),
    ),
]

CASES = [(form, role, True) for form in FORMS for role in form.allowed] + [
    (form, role, False) for form in FORMS for role in form.refused
]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)


def _check_invariant(form: Form, world: World, before: object, found: list) -> Callable:
    def after(response):
        now = form.invariant(world)
        if now != before:
            found.append(f"changed what it must not: {before!r:.300} -> {now!r:.300}")
        if form.name == "nomination start":
            made = Nomination.objects.exclude(pk__in=[n.pk for n in world.nominations.values()])
            for nomination in made:
                if (nomination.submitted_by_id, nomination.edition_id, nomination.status) != (
                    world.users[STARTUP_A].pk,
                    world.editions["open"].pk,
                    Nomination.Status.DRAFT,
                ):
                    found.append(f"made a nomination that is not the actor's own draft: {nomination.__dict__}")

    return after


@pytest.mark.parametrize(
    ("form", "role", "allowed"),
    CASES,
    ids=[f"{form.name}-{role}-{'may' if allowed else 'may-not'}" for form, role, allowed in CASES],
)
@FUZZ
@given(data=st.data())
def test_random_posts(world, db, form, role, allowed, data):
    payload = data.draw(payloads(form.fields(world)), label="payload")
    path = form.url(world)
    found: list[str] = []
    after = _check_invariant(form, world, form.invariant(world), found) if allowed else None

    tried = attempt(world, role, "POST", path, payload, after=after)

    assert tried.response is not None, f"POST {path} as {role} raised {tried.error}"
    assert tried.status < 500, f"POST {path} as {role}: {tried.status}"
    if not allowed:
        assert not tried.writes and not tried.audit_events, (
            f"POST {path} as {role}, who may not use it, changed the database: {tried.writes}"
        )
    assert not found, f"POST {path} as {role}: {found}"


def test_every_form_is_fuzzed_as_someone_who_may_and_someone_who_may_not():
    for form in FORMS:
        assert form.allowed or form.refused, form.name
    assert {form.name for form in FORMS if form.refused} >= {form.name for form in FORMS} - {"language switch"}


# ---------------------------------------------------------------------------------------------------
# Mass assignment: valid data plus fields of no form, posted by hand


def _valid_nomination(world: World) -> dict:
    source = world.nominations["B.submitted"]
    data = {name: getattr(source, name) for name in EDITABLE_FIELDS}
    data["startup_name"] = "Renamed AB"
    data["org_number"] = valid_org_number(987_654)  # B's own is taken in this edition
    return data


def _ids(world: World) -> dict:
    other = world.users[STARTUP_B].pk
    return {
        "status": Nomination.Status.WINNER,
        "edition": world.editions["closed"].pk,
        "edition_id": world.editions["closed"].pk,
        "submitted_by": other,
        "submitted_by_id": other,
        "juror": world.users[ASSIGNED].pk,
        "juror_id": world.users[ASSIGNED].pk,
        "user": other,
        "weight": "100",
        "role": "chair",
        "published_at": timezone.now().isoformat(),
        "winner": world.nominations["A.closed"].pk,
        "is_staff": "on",
        "is_superuser": "on",
        "groups": "1",
        "screened_by": other,
        "invited_by": other,
        "accepted_by": other,
        "approved_by": other,
        "updated_by": other,
        "nomination": world.nominations["A.scoring"].pk,
        "nomination_id": world.nominations["A.scoring"].pk,
        "score": "5",
        "position": "1",
        "pk": "999",
        "id": "999",
    }


def test_nomination_edit_ignores_fields_of_no_form(world, db):
    nomination = world.nominations["A.draft"]
    payload = {**_ids(world), **_valid_nomination(world)}

    def after(response):
        nomination.refresh_from_db()
        assert response.status_code == 302, response.context["form"].errors
        assert nomination.startup_name == "Renamed AB"  # the form's own field was saved
        assert nomination.status == Nomination.Status.DRAFT
        assert nomination.edition_id == world.editions["open"].pk
        assert nomination.submitted_by_id == world.users[STARTUP_A].pk
        assert nomination.screened_by_id is None
        assert User.objects.filter(is_staff=True).count() == 1

    tried = attempt(world, STARTUP_A, "POST", reverse("nominations:edit", args=[nomination.pk]), payload, after=after)
    assert tried.response is not None, tried.error


def test_nomination_start_ignores_fields_of_no_form(world, db):
    payload = {**_ids(world), "startup_name": "Brand New AB", "org_number": ""}

    def after(response):
        made = Nomination.objects.get(startup_name="Brand New AB")
        assert (made.edition_id, made.submitted_by_id, made.status) == (
            world.editions["open"].pk,
            world.users[STARTUP_A].pk,
            Nomination.Status.DRAFT,
        )

    tried = attempt(
        world, STARTUP_A, "POST", reverse("nominations:start", args=[world.editions["open"].pk]), payload, after=after
    )
    assert tried.response is not None and tried.status == 302, tried.error or tried.status


def test_scoring_refuses_a_post_with_fields_of_no_form(world, db):
    nomination = world.nominations["B.scoring"]
    scores = {f"score_{c.pk}": "3" for c in Criterion.objects.filter(edition=nomination.edition)}
    weights = list(Criterion.objects.values_list("pk", "weight"))
    for extra in ("juror", "weight", "status", "nomination", "submitted_by"):
        payload = {**scores, "action": "save", extra: _ids(world)[extra]}

        def after(response):
            assert response.status_code == 400
            assert not Scorecard.objects.filter(nomination__in=[nomination, world.nominations["A.scoring"]]).exists()
            assert list(Criterion.objects.values_list("pk", "weight")) == weights

        tried = attempt(world, CONFLICTED, "POST", reverse("jury:score", args=[nomination.pk]), payload, after=after)
        assert tried.response is not None, tried.error
        assert not tried.writes, (extra, tried.writes)


def test_scoring_saves_the_juror_s_own_scorecard_only(world, db):
    nomination = world.nominations["B.scoring"]
    scores = {f"score_{c.pk}": "3" for c in Criterion.objects.filter(edition=nomination.edition)}

    def after(response):
        assert response.status_code == 302
        card = Scorecard.objects.get(nomination=nomination)
        assert card.juror_id == world.users[CONFLICTED].pk
        assert card.status == Scorecard.Status.DRAFT

    tried = attempt(
        world,
        CONFLICTED,
        "POST",
        reverse("jury:score", args=[nomination.pk]),
        {**scores, "action": "save"},
        after=after,
    )
    assert tried.response is not None, tried.error


def test_invitation_create_ignores_fields_of_no_form(world, db):
    payload = {**_ids(world), "email": "new.juror@jury.example", "name": "New Juror", "role": "juror"}

    def after(response):
        made = Invitation.objects.get(email="new.juror@jury.example")
        assert made.edition_id == world.editions["scoring"].pk
        assert made.invited_by_id == world.users[ORGANISER].pk
        assert made.accepted_by_id is None and made.accepted_at is None
        assert made.role == "juror"

    tried = attempt(
        world, ORGANISER, "POST", reverse("jury:invitations", args=[world.editions["scoring"].pk]), payload, after=after
    )
    assert tried.response is not None and tried.status == 302, tried.error or tried.status


def test_invitation_accept_ignores_role_and_edition_posted_by_hand(world, db):
    payload = _ids(world)

    def after(response):
        seat = JuryMember.objects.get(user=world.users[STARTUP_A])
        assert (seat.edition_id, seat.role) == (world.editions["scoring"].pk, "juror")
        assert not User.objects.get(pk=world.users[STARTUP_A].pk).is_staff

    tried = attempt(
        world, STARTUP_A, "POST", reverse("jury:invitation_accept", args=[world.invitation.token]), payload, after=after
    )
    assert tried.response is not None and tried.status == 302, tried.error or tried.status


def test_member_role_changes_the_role_only(world, db):
    member = world.members["scoring.assigned"]
    payload = {**_ids(world), "role": "chair"}

    def after(response):
        member.refresh_from_db()
        assert (member.role, member.user_id, member.edition_id) == (
            "chair",
            world.users[ASSIGNED].pk,
            world.editions["scoring"].pk,
        )

    tried = attempt(
        world, ORGANISER, "POST", reverse("jury:invitations_member_role", args=[member.pk]), payload, after=after
    )
    assert tried.response is not None and tried.status == 302, tried.error or tried.status


def test_conflict_declaration_refuses_fields_of_no_form(world, db):
    nomination = world.nominations["B.scoring"]
    payload = {f"answer_{nomination.pk}": "yes", f"kind_{nomination.pk}": "investor", "juror": world.users[ASSIGNED].pk}

    tried = attempt(world, CONFLICTED, "POST", reverse("jury:conflicts"), payload)

    assert tried.status == 400
    assert not tried.writes


def test_announcement_ignores_published_at_posted_by_hand(world, db):
    payload = {**_ids(world), "text_sv": "Ny text", "text_en": "New text", "action": "save"}

    def after(response):
        announcement = Announcement.objects.get(edition=world.editions["closed"])
        assert announcement.text_en == "New text"
        assert announcement.published_at is None
        assert announcement.updated_by_id == world.users[ORGANISER].pk

    tried = attempt(
        world,
        ORGANISER,
        "POST",
        reverse("verdict:announcement", args=[world.editions["closed"].pk]),
        payload,
        after=after,
    )
    assert tried.response is not None and tried.status == 302, tried.error or tried.status


def test_edition_edit_ignores_fields_of_no_form(world, db):
    edition = world.editions["open"]
    stockholm = "%Y-%m-%dT%H:%M"
    from zoneinfo import ZoneInfo

    local = lambda at: at.astimezone(ZoneInfo("Europe/Stockholm")).strftime(stockholm)  # noqa: E731
    payload = {
        **_ids(world),
        "award": edition.award_id,
        **{name: getattr(edition, name) for name in EDITION_FIELDS},
        **{name: local(getattr(edition, name)) for name in EDITION_FIELDS if name.endswith("_at")},
        "intro_en": "A new intro.",
        "updated_at": (timezone.now() - timedelta(days=999)).isoformat(),
    }

    def after(response):
        edition.refresh_from_db()
        assert response.status_code == 302, response.content.decode()[:2000]
        assert edition.intro_en == "A new intro."
        assert edition.pk == world.editions["open"].pk and edition.year == world.editions["open"].year

    tried = attempt(
        world, ORGANISER, "POST", reverse("awards:organiser_edition_edit", args=[edition.pk]), payload, after=after
    )
    assert tried.response is not None, tried.error


def test_rubric_cannot_move_a_criterion_to_another_edition(world, db):
    edition = world.editions["open"]
    criteria = list(Criterion.objects.filter(edition=edition).order_by("position"))
    payload = {
        "criteria-TOTAL_FORMS": str(len(criteria)),
        "criteria-INITIAL_FORMS": str(len(criteria)),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for i, criterion in enumerate(criteria):
        payload[f"criteria-{i}-id"] = criterion.pk
        payload[f"criteria-{i}-edition"] = world.editions["scoring"].pk
        for name in CRITERION_FIELDS:
            payload[f"criteria-{i}-{name}"] = getattr(criterion, name)
    payload["criteria-0-name_en"] = "Renamed criterion"

    def after(response):
        # The inline formset checks the posted edition against the page's: the whole post is refused.
        assert response.status_code == 200
        assert any("edition" in form.errors for form in response.context["formset"])
        assert Criterion.objects.get(pk=criteria[0].pk).name_en == criteria[0].name_en
        assert set(Criterion.objects.filter(pk__in=[c.pk for c in criteria]).values_list("edition_id", flat=True)) == {
            edition.pk
        }

    tried = attempt(
        world, ORGANISER, "POST", reverse("awards:organiser_rubric", args=[edition.pk]), payload, after=after
    )
    assert tried.response is not None, tried.error
    assert not tried.writes


def test_language_switch_changes_the_language_only(world, db):
    payload = {**_ids(world), "language": "sv", "next": "/"}

    def after(response):
        user = User.objects.get(pk=world.users[STARTUP_A].pk)
        assert user.language == "sv"
        assert not user.is_staff and not user.is_superuser and not user.groups.exists()

    tried = attempt(world, STARTUP_A, "POST", reverse("set_language"), payload, after=after)
    assert tried.response is not None and tried.status == 302, tried.error or tried.status


def test_an_empty_post_to_the_nomination_form_is_a_form_not_a_server_error(world, db):
    """Regression: an empty POST left the form unbound, and reading its cleaned_data raised (a 500)."""
    tried = attempt(
        world, STARTUP_A, "POST", reverse("nominations:edit", args=[world.nominations["A.submitted"].pk]), {}
    )

    assert tried.response is not None, tried.error
    assert tried.status == 200


NUL = "a\x00b"  # PostgreSQL refuses NUL in text; a form must refuse it first, never the database


@pytest.mark.parametrize(
    ("form", "role"), [(form, role) for form in FORMS for role in form.allowed[:1]], ids=lambda v: getattr(v, "name", v)
)
def test_a_nul_character_in_every_field_is_refused_not_a_server_error(world, db, form, role):
    payload = {name: NUL for name in form.fields(world)}

    tried = attempt(world, role, "POST", form.url(world), payload)

    assert tried.response is not None, tried.error
    assert tried.status < 500


def test_a_nul_character_beside_valid_scores_is_not_a_server_error(world, db):
    nomination = world.nominations["B.scoring"]
    scores = {f"score_{c.pk}": "3" for c in Criterion.objects.filter(edition=nomination.edition)}

    tried = attempt(
        world,
        CONFLICTED,
        "POST",
        reverse("jury:score", args=[nomination.pk]),
        {**scores, "comment": NUL, "action": "save"},
    )

    assert tried.response is not None, tried.error
    assert tried.status == 400 and not tried.writes


def test_a_nul_character_in_a_conflict_note_is_not_a_server_error(world, db):
    pk = world.nominations["B.scoring"].pk
    payload = {f"answer_{pk}": "yes", f"kind_{pk}": "investor", f"note_{pk}": NUL}

    tried = attempt(world, CONFLICTED, "POST", reverse("jury:conflicts"), payload)

    assert tried.response is not None, tried.error
    assert tried.status == 400 and not tried.writes


def test_a_nul_character_in_a_tie_reason_or_announcement_is_not_a_server_error(world, db):
    closed = world.editions["closed"].pk
    announcement = attempt(
        world,
        ORGANISER,
        "POST",
        reverse("verdict:announcement", args=[closed]),
        {"text_sv": NUL, "text_en": NUL, "action": "save"},
    )
    approval = attempt(
        world,
        ORGANISER,
        "POST",
        reverse("verdict:winner_approve", args=[closed]),
        {"winner": world.nominations["A.closed"].pk, "reason": NUL},
    )

    assert announcement.response is not None and announcement.status < 500, announcement.error
    assert approval.response is not None and approval.status < 500, approval.error
