import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.template.loader import get_template
from django.test import RequestFactory
from django.urls import resolve
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import OrganiserFactory, UserFactory, edition_in_scoring, juror_with_mfa


def render(source: str, context: dict | None = None, language: str = "en") -> str:
    with translation.override(language):
        return engines["django"].from_string("{% load fixed_fragments i18n %}" + source).render(context or {})


def test_a_fixed_fragment_shows_nothing_of_the_context():
    assert render("[{% fixed %}<b>{{ secret }}</b>{% endfixed %}]{{ secret }}", {"secret": "mine"}) == "[<b></b>]mine"


def test_a_fixed_fragment_is_rendered_in_each_language():
    source = '{% fixed %}{% translate "Log in" %}{% endfixed %}'
    template = engines["django"].from_string("{% load fixed_fragments i18n %}" + source)

    with translation.override("sv"):
        swedish, expected = template.render({}), gettext("Log in")
    english = render(source)

    assert swedish == expected != "Log in"
    assert english == "Log in"


def test_a_fixed_fragment_is_rendered_once_and_kept():
    template = engines["django"].from_string('{% load fixed_fragments %}{% fixed %}{% now "u" %}{% endfixed %}')

    first = template.render({})
    later = [template.render({}) for _ in range(20)]

    assert later == [first] * 20
    assert template.render({}) != engines["django"].from_string('{% now "u" %}').render({})  # the clock moved on


# The layout with its fixed fragments renders exactly what it renders without them, for every kind of visitor.
@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("who", ["visitor", "applicant", "juror", "organiser"])
def test_the_layout_is_the_same_as_without_fixed_fragments(who, language):
    users = {
        "visitor": AnonymousUser,
        "applicant": UserFactory,
        "juror": lambda: juror_with_mfa(edition=edition_in_scoring()),
        "organiser": OrganiserFactory,
    }
    request = RequestFactory().get("/nominations/?x=1&y=<2>")
    request.user = users[who]()
    request.resolver_match = resolve("/nominations/")
    source = get_template("base.html").template.source
    assert source.count("{% fixed %}") >= 8
    unfixed = engines["django"].from_string(source.replace("{% fixed %}", "").replace("{% endfixed %}", ""))

    with translation.override(language):
        fixed_html, unfixed_html = get_template("base.html").render({}, request), unfixed.render({}, request)

    def tokens_out(html: str) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)

    assert tokens_out(fixed_html) == tokens_out(unfixed_html)
    assert ('nav-link" href="/jury/"' in fixed_html) is (who == "juror")
    assert ("/organiser/" in fixed_html) is (who == "organiser")
