"""axe-core (from the npm registry, pinned in package.json) on every page type, logged out and as each
role, in Swedish and in English: no violation of WCAG 2.2 level A or AA."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jury.models import Invitation, JuryMember, JuryRole, hash_token
from jury.verdict.models import Announcement
from nominations.models import Nomination
from tests.factories import (
    EditionFactory,
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
from tests.verdict.verdict_setup import deliberation

from .helpers import TIMEOUT_MS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

AXE_SOURCE = Path(settings.BASE_DIR, "node_modules", "axe-core", "axe.min.js")
WCAG_22_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}"""


@dataclass
class World:
    pages: dict[str, list[str]]
    users: dict[str, object]


def build_world() -> World:
    """An edition open for nominations with a startup's draft and submitted nominations, and an
    edition in scoring with a rubric, a released plan, a juror and a chair."""
    open_edition = EditionFactory()
    startup = UserFactory()
    draft = NominationFactory(edition=open_edition, submitted_by=startup)
    submitted = SubmittedNominationFactory(edition=open_edition, submitted_by=startup)

    scoring = edition_in_scoring()
    criteria = rubric_for(scoring, criteria=3)
    jury_plan_released(scoring)
    juror = juror_with_mfa(edition=scoring)
    chair = juror_with_mfa(edition=scoring, role=JuryRole.CHAIR)
    nominations = [SubmittedNominationFactory(edition=scoring, status=Nomination.Status.ELIGIBLE) for _ in range(3)]
    for position, nomination in enumerate(nominations):
        assignment_for(juror, nomination, position=position)
        assignment_for(chair, nomination, position=position)
    assignment_for(juror, SubmittedNominationFactory(edition=scoring, status=Nomination.Status.ELIGIBLE), declared=None)

    organiser = OrganiserFactory()  # with TOTP set up, as organisers must have
    token = Invitation.new_token()
    Invitation.objects.create(
        edition=scoring,
        email="invited@example.org",
        token_hash=hash_token(token),
        expires_at=scoring.scoring_close_at,
        invited_by=organiser,
    )

    closed = deliberation(ranked=3)
    # Published: the public edition page shows the winner, the finalists and the announcement.
    Announcement.objects.create(
        edition=closed.edition, text_sv="Juryn har valt.", text_en="The jury has chosen.", published_at=timezone.now()
    )
    Nomination.objects.filter(pk=closed.first.pk).update(status=Nomination.Status.WINNER)
    Nomination.objects.filter(pk=closed.second.pk).update(status=Nomination.Status.FINALIST)

    pages = {
        "anonymous": [
            reverse("public:home"),
            reverse("awards:edition_detail", args=[open_edition.year]),
            reverse("awards:edition_detail", args=[scoring.year]),
            reverse("awards:edition_detail", args=[closed.edition.year]),
            reverse("public:past_winners"),
            reverse("public:privacy"),
            reverse("account_login"),
            reverse("account_signup"),
            reverse("account_reset_password"),
            reverse("jury:invitation_accept", args=[token]),
            "/no-such-page/",
        ],
        "startup": [
            reverse("nominations:mine"),
            reverse("nominations:start", args=[open_edition.pk]),
            reverse("nominations:edit", args=[draft.pk]),
            reverse("nominations:detail", args=[submitted.pk]),
            reverse("account_email"),
            reverse("account_change_password"),
            reverse("accounts:personal_data"),
            reverse("accounts:delete"),
        ],
        "juror": [
            reverse("jury:dashboard"),
            reverse("jury:conflicts"),
            reverse("jury:score", args=[nominations[0].pk]),
            reverse("mfa_index"),
        ],
        "chair": [
            reverse("jury:dashboard"),
            reverse("jury:score", args=[nominations[1].pk]),
            reverse("verdict:results", args=[closed.edition.pk]),
        ],
        "organiser": [
            reverse("awards:organiser_edition_list"),
            reverse("awards:organiser_edition_create"),
            reverse("awards:organiser_edition_edit", args=[scoring.pk]),
            reverse("awards:organiser_edition_copy", args=[scoring.pk]),
            reverse("awards:organiser_rubric", args=[open_edition.pk]),
            reverse("awards:organiser_criterion_levels", args=[scoring.pk, criteria[0].pk]),
            reverse("nominations:organiser_editions"),
            reverse("nominations:organiser_list", args=[scoring.pk]),
            reverse("nominations:organiser_detail", args=[nominations[0].pk]),
            reverse("jury:invitations", args=[scoring.pk]),
            reverse("jury:assignments", args=[scoring.pk]),
            reverse("jury:progress", args=[scoring.pk]),
            reverse("jury:organiser_conflicts", args=[scoring.pk]),
            reverse("verdict:results", args=[closed.edition.pk]),
            reverse("verdict:announcement", args=[closed.edition.pk]),
        ],
    }
    # The chair of the closed edition sits on the scoring edition's jury too, to see both.
    JuryMember.objects.create(edition=closed.edition, user=chair, role=JuryRole.CHAIR)
    JuryMember.objects.filter(user=closed.chair).delete()
    users = {"startup": startup, "juror": juror, "chair": chair, "organiser": organiser}
    return World(pages=pages, users=users)


def session_cookie(user, live_url: str) -> dict:
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_url,
    }


@pytest.mark.parametrize("role", ["anonymous", "startup", "juror", "chair", "organiser"])
def test_every_page_of_the_role_passes_axe_in_both_languages(role, browser, live_server):
    world = build_world()
    axe = AXE_SOURCE.read_text()
    problems = []
    for language in ("sv", "en"):
        # CSP stays on for the site's own scripts; axe is injected by the test, so bypass it for that.
        context = browser.new_context(bypass_csp=True)
        context.set_default_timeout(TIMEOUT_MS)
        cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        if role != "anonymous":
            cookies.append(session_cookie(world.users[role], live_server.url))
        context.add_cookies(cookies)
        page = context.new_page()
        for path in world.pages[role]:
            response = page.goto(live_server.url + path)
            expected = 404 if path == "/no-such-page/" else 200
            assert response.status == expected, f"{role} {language} {path}: {response.status} ({page.url})"
            assert page.locator("html").get_attribute("lang") == language
            page.evaluate(axe)
            for violation in page.evaluate(RUN_AXE, WCAG_22_A_AA):
                problems.append(
                    f"{role} {language} {path}: {violation['id']} ({violation['impact']}) "
                    f"{violation['help']}\n    " + "\n    ".join(violation["nodes"])
                )
        context.close()
    assert not problems, "\n".join(problems)
