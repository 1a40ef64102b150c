"""One small world with something of every owner, for the access matrix and the form fuzzing.

Three editions: one open for nominations, one whose jury is scoring, one whose scoring has closed with
a tally and a draft announcement. Startups A and B each have a draft and a submitted nomination in the
open edition and an eligible one in each of the other two. The jury of the scoring and the closed
edition: an assigned juror (no conflicts), an unassigned juror, a conflicted juror (assigned to A's and
B's nominations, with a declared conflict on A's), and the chair; plus an organiser, who sits on no jury.
Every juror and the organiser has TOTP set up, as the MFA middleware requires."""

import re
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from awards.models import Criterion, Edition
from core.models import AuditEvent
from jury.models import Invitation, JuryMember
from jury.verdict.models import Announcement, TallyRun
from nominations.models import Nomination
from tests.factories import (
    EditionFactory,
    InvitationFactory,
    NominationFactory,
    OrganiserFactory,
    SubmittedNominationFactory,
    UserFactory,
    assignment_for,
    edition_in_scoring,
    juror_with_mfa,
    jury_plan_released,
    rubric_for,
)
from tests.verdict.tally_doc import edition_after_scoring, make_tally_run

ANONYMOUS = "anonymous"
STARTUP_A = "startup_a"
STARTUP_B = "startup_b"
ASSIGNED = "assigned_juror"
UNASSIGNED = "unassigned_juror"
CONFLICTED = "conflicted_juror"
CHAIR = "chair"
ORGANISER = "organiser"
ROLES = (ANONYMOUS, STARTUP_A, STARTUP_B, ASSIGNED, UNASSIGNED, CONFLICTED, CHAIR, ORGANISER)


@dataclass
class World:
    editions: dict[str, Edition]  # "open", "scoring", "closed"
    nominations: dict[str, Nomination]  # "A.draft", "A.submitted", "A.scoring", "A.closed", and B's
    users: dict[str, object]  # by role; no entry for ANONYMOUS
    criteria: dict[str, Criterion]  # the first criterion of "open" and "scoring"
    members: dict[str, JuryMember]
    invitation: Invitation  # pending, on the scoring edition's jury
    tally: TallyRun
    announcement: Announcement
    session_keys: dict[str, str] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)

    def client(self, role: str) -> Client:
        """A client logged in as the role (by the session made once), reading English, with no other
        cookie. One Client per role, kept: a new one loads the middleware again, and WhiteNoise's
        finders walk every static file each time."""
        from http.cookies import SimpleCookie

        from django.conf import settings

        client = self.clients.get(role)
        if client is None:
            client = self.clients[role] = Client()
        client.cookies = SimpleCookie()
        client.cookies["django_language"] = "en"
        if role != ANONYMOUS:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.session_keys[role]
        return client


def build_world() -> World:
    open_edition = EditionFactory()
    scoring = edition_in_scoring()
    closed = edition_after_scoring()
    editions = {"open": open_edition, "scoring": scoring, "closed": closed}

    criteria = {
        "open": rubric_for(open_edition, criteria=2)[0],
        "scoring": rubric_for(scoring, criteria=2)[0],
    }
    rubric_for(closed, criteria=2)

    users = {
        STARTUP_A: UserFactory(email="founder@startup-a.example"),
        STARTUP_B: UserFactory(email="founder@startup-b.example"),
    }
    nominations = {}
    for owner, role in (("A", STARTUP_A), ("B", STARTUP_B)):
        user = users[role]
        nominations[f"{owner}.draft"] = NominationFactory(edition=open_edition, submitted_by=user)
        nominations[f"{owner}.submitted"] = SubmittedNominationFactory(edition=open_edition, submitted_by=user)
        for name, edition in (("scoring", scoring), ("closed", closed)):
            nominations[f"{owner}.{name}"] = SubmittedNominationFactory(
                edition=edition, submitted_by=user, status=Nomination.Status.ELIGIBLE
            )

    members = {}
    for edition in (scoring, closed):
        jury_plan_released(edition)
    users[ASSIGNED] = juror_with_mfa(edition=scoring, email="assigned@jury.example")
    users[UNASSIGNED] = juror_with_mfa(edition=scoring, email="unassigned@jury.example")
    users[CONFLICTED] = juror_with_mfa(edition=scoring, email="conflicted@jury.example")
    users[CHAIR] = juror_with_mfa(edition=scoring, role="chair", email="chair@jury.example")
    for role in (ASSIGNED, UNASSIGNED, CONFLICTED):
        JuryMember.objects.create(edition=closed, user=users[role], role="juror")
    JuryMember.objects.create(edition=closed, user=users[CHAIR], role="chair")
    members["scoring.assigned"] = JuryMember.objects.get(edition=scoring, user=users[ASSIGNED])
    for name in ("scoring", "closed"):
        for position, owner in enumerate("AB"):
            nomination = nominations[f"{owner}.{name}"]
            assignment_for(users[ASSIGNED], nomination, position=position)
            assignment_for(users[CONFLICTED], nomination, position=position, declared=owner == "A")
    users[ORGANISER] = OrganiserFactory(email="organiser@foundation.example")

    tally = make_tally_run(closed, [nominations["A.closed"], nominations["B.closed"]])
    announcement = Announcement.objects.create(
        edition=closed, text_sv="Vinnaren är ...", text_en="The winner is ...", updated_by=users[ORGANISER]
    )
    invitation = InvitationFactory(edition=scoring, invited_by=users[ORGANISER], email="invitee@jury.example")

    world = World(
        editions=editions,
        nominations=nominations,
        users=users,
        criteria=criteria,
        members=members,
        invitation=invitation,
        tally=tally,
        announcement=announcement,
    )
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        world.session_keys[role] = client.session.session_key
    return world


def nomination_content_type_id() -> int:
    return ContentType.objects.get_for_model(Nomination).pk


# Tables a refused request may still write: the session itself (timeouts, messages, a kept "next").
SESSION_TABLES = {"accounts_session", "usersessions_usersession"}
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


@dataclass
class Attempt:
    response: object | None  # None when the view raised
    error: str  # the exception, when it raised
    writes: list[str]  # INSERT/UPDATE/DELETE statements, but for the session tables
    audit_events: int  # how many audit events it added

    @property
    def status(self) -> int:
        return 500 if self.response is None else self.response.status_code


def attempt(world: World, role: str, method: str, path: str, data=None, *, after=None) -> Attempt:
    """One request as the role, in a savepoint rolled back afterwards, so every request sees the same
    world. `after(response)` runs before the rollback, to look at what the request changed."""
    with transaction.atomic():
        audit_before = AuditEvent.objects.count()
        client = world.client(role)
        try:
            with CaptureQueriesContext(connection) as queries:
                send = client.get if method == "GET" else client.post
                response = send(path, data or {})
        except Exception as error:  # every exception is a finding, reported with the case
            transaction.set_rollback(True)
            return Attempt(None, f"{type(error).__name__}: {error}"[:500], [], 0)
        writes = []
        for query in queries.captured_queries:
            match = WRITE.match(query["sql"])
            if match and match.group(1) not in SESSION_TABLES:
                writes.append(query["sql"][:160])
        audit_after = AuditEvent.objects.count()
        if after is not None:
            after(response)
        transaction.set_rollback(True)
    return Attempt(response, "", writes, audit_after - audit_before)
