"""The access matrix: every URL pattern of the project, filled with objects of each owner, tried with GET
and POST as each role, against EXPECTED below.

A request "gets through" when the page is rendered: a 2xx, or a 400 that redraws a form with what was
sent. Refused: a redirect to the login or two-factor set-up page, a 403, 404, 405 or 410. Any other
redirect is the view's own answer (e.g. "this nomination can no longer be changed").

For every case:
- a 5xx or an exception fails;
- getting through when the table does not list the role fails (an unauthorised 2xx);
- a role the table lists must get through on GET, and must not be refused on POST, so the table is
  exact and cannot rot into "nobody may do anything";
- a role the table does not list must leave the database as it was: no INSERT, UPDATE or DELETE
  except on the session tables, and no new audit event.

Every URL pattern must have a row (or belong to the admin group, whose rule is documented below): a new
URL without one fails `test_every_url_pattern_has_a_row`. Each request runs in a savepoint that is
rolled back, so every request sees the same world, built once for the module.
"""

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from .world import (
    ANONYMOUS,
    ASSIGNED,
    CHAIR,
    CONFLICTED,
    ORGANISER,
    ROLES,
    STARTUP_A,
    STARTUP_B,
    UNASSIGNED,
    World,
    attempt,
    build_world,
    nomination_content_type_id,
)

NOBODY: frozenset[str] = frozenset()
EVERYONE = frozenset(ROLES)
LOGGED_IN = EVERYONE - {ANONYMOUS}
JURORS = frozenset({ASSIGNED, UNASSIGNED, CONFLICTED, CHAIR})
ORG = frozenset({ORGANISER})
A = frozenset({STARTUP_A})
B = frozenset({STARTUP_B})

# An entry is a set of roles (for every object) or a dict {object label: roles}; labels absent from
# the dict: nobody. Object labels: editions "open", "scoring", "closed"; nominations "A.draft",
# "A.submitted", "A.scoring", "A.closed" and B's alike; see `cases_for` for the rest.


@dataclass(frozen=True)
class Row:
    get: frozenset | dict
    post: frozenset | dict
    why: str = ""


def per_nomination(a: frozenset, b: frozenset, *, states=("draft", "submitted", "scoring", "closed")) -> dict:
    return {f"{owner}.{state}": roles for owner, roles in (("A", a), ("B", b)) for state in states}


# Who may see a nomination (nominations.view_nomination): its startup, the organisers, and a juror
# assigned to it (plan released, no conflict declared, TOTP set up).
NOMINATION_VIEWERS = {
    **per_nomination(A | ORG, B | ORG, states=("draft", "submitted")),
    "A.scoring": A | ORG | {ASSIGNED},
    "B.scoring": B | ORG | {ASSIGNED, CONFLICTED},
    "A.closed": A | ORG | {ASSIGNED},
    "B.closed": B | ORG | {ASSIGNED, CONFLICTED},
}
# Drafts have no pitch deck, so nobody downloads one.
DECK_VIEWERS = {k: v for k, v in NOMINATION_VIEWERS.items() if not k.endswith(".draft")}
# The scoring page: an assigned juror without a conflict (a closed edition's page shows it read-only).
SCORERS = {
    "A.scoring": frozenset({ASSIGNED}),
    "B.scoring": frozenset({ASSIGNED, CONFLICTED}),
    "A.closed": frozenset({ASSIGNED}),
    "B.closed": frozenset({ASSIGNED, CONFLICTED}),
}
EDITIONS_ORG = {"open": ORG, "scoring": ORG, "closed": ORG}
CLOSED_ORG = {"closed": ORG}
PUBLIC = Row(EVERYONE, EVERYONE, "public page; the view ignores the method")
PUBLIC_GET = Row(EVERYONE, NOBODY, "public, GET only")

EXPECTED: dict[str, Row] = {
    # Public pages
    "healthz": PUBLIC_GET,
    "set_language": Row(NOBODY, EVERYONE, "POST only; stores the choice on the user's own account"),
    "public:home": PUBLIC,
    "public:past_winners": PUBLIC,
    "public:privacy": PUBLIC,
    "awards:edition_detail": PUBLIC,
    "awards:edition_calendar": PUBLIC,
    # The person's own data
    "accounts:personal_data": Row(LOGGED_IN, NOBODY, "own data only"),
    "accounts:personal_data_export": Row(LOGGED_IN, NOBODY, "own data only"),
    "accounts:delete": Row(LOGGED_IN, LOGGED_IN, "own account; the empty POST fails the password check (400)"),
    # allauth: every page acts on the requesting person's own account only.
    "account_login": Row({ANONYMOUS}, {ANONYMOUS}, "logged-in people are sent on"),
    "account_logout": Row(LOGGED_IN, LOGGED_IN, "own session; POST logs out (audited) and redirects"),
    "account_inactive": Row(EVERYONE, NOBODY, "an information page"),
    "account_signup": Row({ANONYMOUS}, {ANONYMOUS}, "logged-in people are sent on"),
    "account_reauthenticate": Row(LOGGED_IN, LOGGED_IN, "own password"),
    "account_request_reauthentication_code": Row(LOGGED_IN, LOGGED_IN, "reauthenticating one's own account"),
    "account_confirm_reauthentication_code": Row(NOBODY, NOBODY, "only after a code was sent"),
    "account_email": Row(LOGGED_IN, LOGGED_IN, "own addresses; the empty POST redirects"),
    "account_email_verification_sent": Row(EVERYONE, NOBODY, "an information page"),
    "account_change_password": Row(LOGGED_IN, LOGGED_IN, "own password"),
    "account_set_password": Row(NOBODY, NOBODY, "everyone has a password: sent to change it"),
    "account_reset_password": Row(EVERYONE, EVERYONE, "asks for an address; the same answer for everyone"),
    "account_confirm_login_code": Row(NOBODY, NOBODY, "login by code is off"),
    "account_confirm_email": Row(EVERYONE, NOBODY, "a bogus key: the page says the link is invalid"),
    "account_reset_password_from_key_done": Row(EVERYONE, NOBODY, "an information page"),
    "account_reset_password_from_key": Row(EVERYONE, EVERYONE, "a bogus key: the page says the link is invalid"),
    "account_reset_password_done": Row(EVERYONE, NOBODY, "an information page"),
    "mfa_index": Row(LOGGED_IN, NOBODY, "own authenticators"),
    "mfa_authenticate": Row(NOBODY, NOBODY, "only during a login in progress"),
    "mfa_reauthenticate": Row(JURORS | ORG, JURORS | ORG, "own TOTP; those without one are sent on"),
    "mfa_activate_totp": Row(NOBODY, NOBODY, "asks to reauthenticate first"),
    "mfa_deactivate_totp": Row(NOBODY, NOBODY, "asks to reauthenticate first"),
    "mfa_view_recovery_codes": Row(NOBODY, NOBODY, "asks to reauthenticate first"),
    "mfa_generate_recovery_codes": Row(NOBODY, NOBODY, "asks to reauthenticate first"),
    "mfa_download_recovery_codes": Row(NOBODY, NOBODY, "asks to reauthenticate first"),
    "usersessions_list": Row(LOGGED_IN, LOGGED_IN, "own sessions; the empty POST redirects"),
    # Nominations: the applicant's pages
    "nominations:mine": Row(LOGGED_IN, LOGGED_IN, "own nominations; the view ignores the method"),
    "nominations:start": Row({"open": LOGGED_IN}, {"open": LOGGED_IN}, "any verified account, while open"),
    "nominations:detail": Row(NOMINATION_VIEWERS, NOMINATION_VIEWERS, "the view ignores the method"),
    "nominations:edit": Row(
        per_nomination(A, B, states=("draft", "submitted")),
        per_nomination(A, B, states=("draft", "submitted")),
        "the owner while the edition is open",
    ),
    "nominations:withdraw": Row(per_nomination(A, B), per_nomination(A, B), "the owner; POST redirects"),
    "nominations:pitch_deck": Row(DECK_VIEWERS, DECK_VIEWERS, "as the nomination; the view ignores the method"),
    # Nominations: the organisers' screening
    "nominations:organiser_editions": Row(ORG, NOBODY),
    "nominations:organiser_list": Row(EDITIONS_ORG, NOBODY),
    "nominations:organiser_bulk": Row(NOBODY, EDITIONS_ORG),
    "nominations:organiser_export": Row(
        {f"{e}.{f}": ORG for e in ("open", "scoring", "closed") for f in ("csv", "xlsx")}, NOBODY
    ),
    "nominations:organiser_detail": Row(per_nomination(ORG, ORG), NOBODY),
    "nominations:organiser_screen": Row(NOBODY, per_nomination(ORG, ORG)),
    # Jury: invitations and membership (organisers)
    "jury:invitations": Row(EDITIONS_ORG, EDITIONS_ORG),
    "jury:invitation_resend": Row(NOBODY, {"pending": ORG}),
    "jury:invitation_revoke": Row(NOBODY, {"pending": ORG}),
    "jury:invitations_member_role": Row(NOBODY, {"scoring.assigned": ORG}),
    "jury:invitations_member_remove": Row(NOBODY, {"scoring.assigned": ORG}),
    "jury:invitation_accept": Row(
        {"pending": EVERYONE}, {"pending": LOGGED_IN}, "the link is the credential: whoever holds it may accept"
    ),
    # Jury: assignments and progress (organisers)
    "jury:assignments": Row(EDITIONS_ORG, NOBODY),
    "jury:assignments_generate": Row(NOBODY, EDITIONS_ORG),
    "jury:assignments_change": Row(NOBODY, EDITIONS_ORG),
    "jury:assignments_release": Row(NOBODY, EDITIONS_ORG),
    "jury:progress": Row(EDITIONS_ORG, NOBODY),
    "jury:progress_nudge": Row(NOBODY, {"scoring.assigned": ORG, "scoring.unassigned": ORG}),
    "jury:organiser_conflicts": Row(EDITIONS_ORG, EDITIONS_ORG),
    # Jury: the juror's pages
    "jury:dashboard": Row(JURORS, NOBODY, "seated jurors only"),
    "jury:conflicts": Row(JURORS, JURORS, "own declarations"),
    "jury:score": Row(SCORERS, SCORERS),
    "jury:scorecards": Row({"A.closed": ORG | {CHAIR}, "B.closed": ORG | {CHAIR}}, NOBODY, "after scoring closes"),
    # Verdict: the chair and the organisers, once scoring has closed
    "verdict:results": Row(
        {"open": ORG, "scoring": ORG, "closed": ORG | {CHAIR}}, NOBODY, "organisers see a 'not yet' page before"
    ),
    "verdict:tally_run": Row(NOBODY, CLOSED_ORG),
    "verdict:bundle": Row(CLOSED_ORG, NOBODY),
    "verdict:finalists": Row(NOBODY, {"closed": ORG | {CHAIR}}),
    "verdict:tie_decide": Row(NOBODY, {"closed": frozenset({CHAIR})}),
    "verdict:winner_approve": Row(NOBODY, CLOSED_ORG),
    "verdict:announcement": Row(CLOSED_ORG, CLOSED_ORG),
    # Awards: the organisers' edition pages
    "awards:organiser_edition_list": Row(ORG, ORG, "the view ignores the method"),
    "awards:organiser_edition_create": Row(ORG, ORG),
    "awards:organiser_edition_edit": Row(EDITIONS_ORG, EDITIONS_ORG),
    "awards:organiser_edition_copy": Row(EDITIONS_ORG, EDITIONS_ORG),
    "awards:organiser_rubric": Row(EDITIONS_ORG, EDITIONS_ORG),
    "awards:organiser_criterion_levels": Row({"open": ORG, "scoring": ORG}, {"open": ORG, "scoring": ORG}),
}

# The admin site, as a group: every page needs an active staff account (and TOTP, accounts/mfa.py);
# only organisers are staff, and they hold no model permission, so the group's pages refuse everyone
# (403 for organisers, the login page for the rest). A model registered later joins the group by its
# URL and is refused like the others, or the test fails and it needs a row. Exceptions, by name:
ADMIN_GROUP = Row(NOBODY, NOBODY, "no model permission for anyone but a superuser")
# The rules permission "nominations.view_nomination" is also the admin's view permission, so organisers
# (who see every nomination on the screening pages anyway) may look at nominations there, read-only.
ADMIN_NOMINATIONS = Row(ORG, ORG, "read-only for organisers; the list takes a POST for its actions")
ADMIN_ROWS = {
    "admin:index": Row(ORG, ORG, "the index, listing what the person may see"),
    "admin:jsi18n": Row(ORG, NOBODY),
    "admin:login": Row(NOBODY, ORG, "allauth's login takes its place (secure_admin_login); staff see the form"),
    "admin:logout": Row(NOBODY, ORG, "own session"),
    "admin:password_change": Row(ORG, ORG, "own password"),
    "admin:password_change_done": Row(ORG, NOBODY),
    "admin:nominations_nomination_changelist": ADMIN_NOMINATIONS,
    "admin:nominations_nomination_history": ADMIN_NOMINATIONS,
    "admin:nominations_nomination_change": Row(ORG, NOBODY, "read-only: a POST is refused"),
}


def is_admin(key: str) -> bool:
    return key.startswith("admin:")


def row_for(key: str) -> Row | None:
    if key in EXPECTED:
        return EXPECTED[key]
    if is_admin(key):
        return ADMIN_ROWS.get(key, ADMIN_GROUP)
    return None


# ---------------------------------------------------------------------------------------------------
# Walking the URL patterns


@dataclass(frozen=True)
class Pattern:
    key: str  # the row's key: the URL name, or for the admin's unnamed patterns a name of ours
    route: str  # the whole route, from the root
    args: tuple[str, ...]


ROUTE_ARG = re.compile(r"(?<!\?P)<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
REGEX_ARG = re.compile(r"\(\?P<(?P<name>\w+)>")


def _route_args(route: str) -> tuple[str, ...]:
    return tuple(m.group("name") for m in ROUTE_ARG.finditer(route)) + tuple(
        m.group("name") for m in REGEX_ARG.finditer(route)
    )


def walk(resolver: URLResolver | None = None, prefix: str = "", namespaces: tuple = ()) -> Iterator[Pattern]:
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = namespaces + ((pattern.namespace,) if pattern.namespace else ())
            yield from walk(pattern, route, ns)
        elif isinstance(pattern, URLPattern):
            if pattern.name:
                key = ":".join((*namespaces, pattern.name))
            elif "admin" in namespaces:
                key = "admin:catch_all" if "(?P<url>" in route else "admin:redirect_to_change"
            else:
                key = route
            yield Pattern(key=key, route=route, args=_route_args(route))


def fill(route: str, kwargs: dict[str, str]) -> str:
    """The path of a route with its arguments filled in, for route and regex patterns alike."""
    path = ROUTE_ARG.sub(lambda m: str(kwargs[m.group("name")]), route)
    while (match := REGEX_ARG.search(path)) is not None:
        depth, end = 1, match.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(path[end], 0)
            end += 1
        path = path[: match.start()] + str(kwargs[match.group("name")]) + path[end:]
    path = path.replace("^", "").replace("$", "").replace("\\Z", "")
    return "/" + path


PATTERNS = list(walk())


# ---------------------------------------------------------------------------------------------------
# Arguments: each pattern's objects, labelled by their owner


def _admin_object_id(route: str, world: World) -> str:
    app_label, model_name = route.split("/")[1:3]
    model = apps.get_model(app_label, model_name)
    if model is apps.get_model("nominations", "Nomination"):
        return str(world.nominations["A.submitted"].pk)
    obj = model._default_manager.order_by("pk").first()
    return str(obj.pk) if obj is not None else "1"


def cases_for(pattern: Pattern, world: World) -> list[tuple[str, dict[str, str]]]:
    """(label, kwargs) for each object the pattern is tried with."""
    args, key = set(pattern.args), pattern.key
    editions = world.editions
    nominations = world.nominations
    if not args:
        return [("-", {})]
    if args == {"edition_id"} or (args == {"pk"} and key.startswith("awards:")):
        return [(label, {pattern.args[0]: e.pk}) for label, e in editions.items()]
    if args == {"year"}:
        return [(label, {"year": e.year}) for label, e in editions.items()]
    if args == {"pk"} and key.startswith(("nominations:", "jury:score")):
        return [(label, {"pk": n.pk}) for label, n in nominations.items()]
    if args == {"pk"} and key in ("jury:invitation_resend", "jury:invitation_revoke"):
        return [("pending", {"pk": world.invitation.pk})]
    if args == {"pk"} and key.startswith("jury:invitations_member"):
        return [(label, {"pk": m.pk}) for label, m in world.members.items()]
    if args == {"pk", "criterion_pk"}:
        return [(label, {"pk": c.edition_id, "criterion_pk": c.pk}) for label, c in world.criteria.items()]
    if args == {"edition_id", "fmt"}:
        return [
            (f"{label}.{fmt}", {"edition_id": e.pk, "fmt": fmt})
            for label, e in editions.items()
            for fmt in ("csv", "xlsx")
        ]
    if args == {"edition_id", "juror_id"}:
        return [
            (f"scoring.{role.split('_')[0]}", {"edition_id": editions["scoring"].pk, "juror_id": world.users[role].pk})
            for role in (ASSIGNED, UNASSIGNED)
        ]
    if args == {"token"}:
        return [("pending", {"token": world.invitation.token}), ("bogus", {"token": "not-a-token"})]
    if key == "account_confirm_email":
        return [("bogus", {"key": "bogus-key"})]
    if key == "account_reset_password_from_key":
        return [("bogus", {"uidb36": "1", "key": "set-password"}), ("bogus", {"uidb36": "zz", "key": "bogus"})]
    if is_admin(key):
        if args == {"object_id"}:
            return [("-", {"object_id": _admin_object_id(pattern.route, world)})]
        if args == {"id"}:
            return [("-", {"id": world.users[STARTUP_A].pk})]
        if args == {"content_type_id", "object_id"}:
            return [
                ("-", {"content_type_id": nomination_content_type_id(), "object_id": nominations["A.submitted"].pk})
            ]
        if args == {"app_label"}:
            return [("-", {"app_label": "nominations"})]
        if args == {"url"}:
            return [("-", {"url": "no/such/page/"})]
    raise LookupError(f"{key} ({pattern.route}): no objects known for its arguments {sorted(args)}")


# ---------------------------------------------------------------------------------------------------
# Trying one request


GRANTED, REFUSED, REDIRECTED, ERROR = "granted", "refused", "redirected", "error"


def _refusal_paths() -> tuple[str, ...]:
    # Not the two-factor set-up page: everyone in the world who needs TOTP has it, so a redirect there
    # is the view's own (e.g. after accepting an invitation), not the MFA middleware refusing.
    return (reverse("account_login"), reverse("admin:login"))


def classify(response) -> str:
    status = response.status_code
    if 200 <= status < 300 or status == 400:
        return GRANTED
    if status in (403, 404, 405, 410):
        return REFUSED
    if 300 <= status < 400:
        location = response.headers.get("Location", "")
        return REFUSED if location.split("?")[0].endswith(_refusal_paths()) else REDIRECTED
    return ERROR


@dataclass
class Outcome:
    outcome: str
    status: int
    writes: list[str]
    audit_events: int
    detail: str = ""


def try_once(world: World, role: str, method: str, path: str) -> Outcome:
    tried = attempt(world, role, method, path)
    if tried.response is None:
        return Outcome(ERROR, 500, [], 0, tried.error)
    response = tried.response
    detail = response.headers.get("Location", "") if 300 <= response.status_code < 400 else ""
    return Outcome(classify(response), response.status_code, tried.writes, tried.audit_events, detail)


def expected_roles(spec: frozenset | dict, label: str) -> frozenset:
    return spec.get(label, NOBODY) if isinstance(spec, dict) else spec


# ---------------------------------------------------------------------------------------------------
# The tests


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)


def all_cases(world: World) -> Iterator[tuple[Pattern, str, str, Row]]:
    seen = set()
    for pattern in PATTERNS:
        row = row_for(pattern.key)
        if row is None:
            continue
        for label, kwargs in cases_for(pattern, world):
            path = fill(pattern.route, kwargs)
            if path in seen:  # a pattern shadowed by an earlier one with the same address
                continue
            seen.add(path)
            yield pattern, label, path, row


def test_every_url_pattern_has_a_row():
    missing = sorted({p.key for p in PATTERNS if row_for(p.key) is None})
    assert not missing, f"URL patterns without a row in EXPECTED (tests/security/test_access_matrix.py): {missing}"


def test_no_row_without_a_url_pattern():
    keys = {p.key for p in PATTERNS}
    stale = sorted(set(EXPECTED) - keys) + sorted(set(ADMIN_ROWS) - keys)
    assert not stale, f"rows in EXPECTED for URL names that no longer exist: {stale}"


def test_every_pattern_is_filled_with_objects_that_resolve_to_it(world, db):
    for pattern in PATTERNS:
        for _label, kwargs in cases_for(pattern, world):
            path = fill(pattern.route, kwargs)
            match = resolve(path)  # raises Resolver404 if the filled path is not a URL of the project
            assert "<" not in path and "(?P" not in path, (pattern, path)
            if pattern.key in EXPECTED and ":" in pattern.key:
                assert match.view_name == pattern.key, (pattern, path, match.view_name)


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(world, db, role):
    problems, observed = [], []
    tried = 0
    for pattern, label, path, row in all_cases(world):
        for method, spec in (("GET", row.get), ("POST", row.post)):
            allowed = role in expected_roles(spec, label)
            result = try_once(world, role, method, path)
            tried += 1
            where = f"{method} {path} [{pattern.key} {label}] as {role}: {result.status}"
            observed.append(f"{where} {result.outcome} {result.detail}".rstrip())
            if result.outcome == ERROR:
                problems.append(f"{where} server error {result.detail}")
            elif result.outcome == GRANTED and not allowed:
                problems.append(f"{where} UNAUTHORISED access (the table does not list {role})")
            elif allowed and method == "GET" and result.outcome != GRANTED:
                problems.append(f"{where} refused, but the table lets {role} in")
            elif allowed and method == "POST" and result.outcome == REFUSED:
                problems.append(f"{where} refused, but the table lets {role} post")
            if not allowed and (result.writes or result.audit_events):
                problems.append(f"{where} changed the database: {result.writes} audit events +{result.audit_events}")
    if dump := os.environ.get("ACCESS_MATRIX_DUMP"):
        # To review what each role gets, e.g. when writing the row of a new URL.
        with open(f"{dump}.{role}", "w") as out:
            out.write("\n".join(observed) + "\n")
    assert tried > 300
    assert not problems, f"{len(problems)} of {tried} requests broke the access matrix:\n" + "\n".join(problems)


def test_the_world_is_what_the_table_assumes(world, db):
    """The roles really are what their names say (a mistake here would make the matrix vacuous)."""
    from jury.rules import is_assigned_juror, is_conflicted

    users, noms = world.users, world.nominations
    assert is_assigned_juror(users[ASSIGNED], noms["A.scoring"])
    assert not is_assigned_juror(users[UNASSIGNED], noms["A.scoring"])
    assert is_conflicted(users[CONFLICTED], noms["A.scoring"])
    assert not is_conflicted(users[CONFLICTED], noms["B.scoring"])
    assert users[ORGANISER].has_perm("jury.manage_jury")
    assert not any(users[r].has_perm("jury.manage_jury") for r in (STARTUP_A, STARTUP_B, CHAIR, ASSIGNED))
    # Sessions roll back with the savepoint: they are in the database (Django's store, read in plain SQL).
    assert issubclass(import_module(settings.SESSION_ENGINE).SessionStore, DatabaseSessionStore)


def test_the_write_detector_sees_a_write(world, db):
    """Without this, "changed nothing" could pass because nothing was ever seen."""
    path = reverse("jury:invitation_revoke", args=[world.invitation.pk])

    tried = attempt(world, ORGANISER, "POST", path)

    assert tried.status == 302
    assert tried.writes and tried.audit_events == 1
