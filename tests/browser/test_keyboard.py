"""The nomination form and the scoring form with the keyboard alone: Tab reaches every control in
reading order without a trap, values are typed or chosen with the arrow keys, and Enter on the focused
button saves. Nothing is clicked; no value is set by script."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from jury.models import Scorecard
from nominations.models import Nomination
from tests.factories import EditionFactory, NominationFactory, UserFactory
from tests.jury.juror_setup import scoring_jury

from .helpers import TIMEOUT_MS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const visibleFocus = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0 || style.boxShadow !== "none";
  return {tag: el.tagName.toLowerCase(), type: el.type || "", name: el.name || "", id: el.id || "",
          value: el.value || "", inForm: !!el.closest(arguments[0] || "form[method=post]"), visibleFocus};
}"""


def browser_page(browser, live_server, user, language="en"):
    client = Client()
    client.force_login(user)
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies(
        [
            {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
             "url": live_server.url},
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
        ]
    )  # fmt: skip
    return context, context.new_page()


def focused(page, form_selector):
    return page.evaluate(FOCUSED.replace("arguments[0]", repr(form_selector)))


def tab_until(page, form_selector, predicate, *, limit=200):
    """Press Tab until `predicate(focused)` holds; every form control passed on the way is returned."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page, form_selector)
        assert element is not None, f"focus fell back to the page after {seen[-3:]}: a trap or an unfocusable control"
        if element["inForm"]:
            assert element["visibleFocus"], f"no visible focus indicator on {element}"
            seen.append(element)
        if predicate(element):
            return seen
    raise AssertionError(f"never reached the wanted control; last seen: {seen[-5:]}")


def test_a_startup_fills_in_and_saves_a_draft_with_the_keyboard(browser, live_server):
    startup = UserFactory()
    draft = NominationFactory(edition=EditionFactory(), submitted_by=startup, startup_name="")
    context, page = browser_page(browser, live_server, startup)
    page.goto(live_server.url + reverse("nominations:edit", args=[draft.pk]))
    form = "#nomination-form"

    typed = {"startup_name": "Tangentbord Bio AB", "city": "Huddinge", "pitch": "Diagnostics typed by hand."}
    seen = tab_until(page, form, lambda e: e["name"] == "startup_name")
    page.keyboard.type(typed["startup_name"])
    seen += tab_until(page, form, lambda e: e["name"] == "sector")
    page.keyboard.press("ArrowDown")  # a native select changes with the arrow keys
    for name in ("city", "pitch"):
        seen += tab_until(page, form, lambda e, name=name: e["name"] == name)
        page.keyboard.type(typed[name])
    seen += tab_until(page, form, lambda e: e["tag"] == "button" and e["name"] == "save")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    reached = {e["name"] for e in seen}
    for control in ("startup_name", "org_number", "website", "founded_year", "team_size", "sector", "stage",
                    "city", "contact_name", "contact_phone", "pitch", "problem", "solution", "team",
                    "pitch_deck_upload", "video_url"):  # fmt: skip
        assert control in reached, f"Tab never reached {control}"
    order = [e["name"] for e in seen if e["name"]]
    assert order.index("startup_name") < order.index("city") < order.index("pitch") < order.index("save")
    draft.refresh_from_db()
    assert (draft.startup_name, draft.city, draft.pitch) == tuple(typed.values())
    assert draft.sector and draft.status == Nomination.Status.DRAFT
    context.close()


def test_a_juror_scores_and_submits_with_the_keyboard(browser, live_server):
    jury = scoring_jury(criteria=3)
    context, page = browser_page(browser, live_server, jury.juror)
    page.goto(live_server.url + reverse("jury:score", args=[jury.nomination.pk]))
    form = "form[method=post]:has(textarea#comment)"

    for criterion in jury.criteria:
        tab_until(page, form, lambda e, pk=criterion.pk: e["name"] == f"score_{pk}")
        # Focus lands on the group (no radio chosen yet: the first); each arrow press moves and chooses.
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
    tab_until(page, form, lambda e: e["id"] == "comment")
    page.keyboard.type("Strong science, small team.")
    tab_until(page, form, lambda e: e["tag"] == "button" and e["value"] == "submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    card = Scorecard.objects.get(juror=jury.juror, nomination=jury.nomination)
    assert card.status == Scorecard.Status.SUBMITTED
    assert card.comment == "Strong science, small team."
    # Scale 1-5: focus enters on 1, two arrow presses choose 3.
    assert sorted(card.scores.values_list("value", flat=True)) == [3, 3, 3]
    page.goto(live_server.url + reverse("jury:score", args=[jury.nomination.pk]))
    assert page.get_by_test_id("receipt").is_visible()
    context.close()
