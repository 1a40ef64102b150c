"""Two-factor authentication before any privileged page (accounts/mfa.py): organisers, jurors and staff
without TOTP are sent to set it up, with a message, before the view runs; everyone else is refused by
the view as before."""

from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.contrib.messages import get_messages
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from accounts.mfa import ORGANISER, STAFF, mfa_required, roles_needing_mfa
from awards.models import Edition
from tests.factories import (
    EditionFactory,
    OrganiserFactory,
    SubmittedNominationFactory,
    UserFactory,
    activate_totp_for,
    juror_with_mfa,
)

pytestmark = pytest.mark.django_db

JUROR = "jury.rules.is_seated_juror"
MESSAGE = "Organisers and jurors need two-factor authentication. Set it up to continue."


def setup_url(next_path: str) -> str:
    return f"{reverse('mfa_activate_totp')}?{urlencode({'next': next_path})}"


def login(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def privileged_pages(edition: Edition, nomination) -> list[str]:
    """One page of each privileged area: editions, screening, exports, jury organiser pages, juror pages, admin."""
    return [
        reverse("awards:organiser_edition_list"),
        reverse("awards:organiser_edition_edit", args=[edition.pk]),
        reverse("nominations:organiser_editions"),
        reverse("nominations:organiser_list", args=[edition.pk]),
        reverse("nominations:organiser_detail", args=[nomination.pk]),
        reverse("nominations:organiser_export", args=[edition.pk, "csv"]),
        reverse("jury:invitations", args=[edition.pk]),
        reverse("jury:assignments", args=[edition.pk]),
        reverse("jury:progress", args=[edition.pk]),
        reverse("jury:organiser_conflicts", args=[edition.pk]),
        reverse("jury:scorecards", args=[nomination.pk]),
        reverse("admin:index"),
        reverse("admin:nominations_nomination_changelist"),
    ]


@pytest.fixture
def edition():
    return EditionFactory()


@pytest.fixture
def nomination(edition):
    return SubmittedNominationFactory(edition=edition)


def test_organiser_without_mfa_is_sent_to_set_it_up_on_every_privileged_page(client, edition, nomination):
    login(client, OrganiserFactory(mfa=False))

    for url in privileged_pages(edition, nomination):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == setup_url(url), url
    assert MESSAGE in [str(m) for m in get_messages(response.wsgi_request)]


def test_the_message_is_in_the_visitors_language(client):
    client.force_login(OrganiserFactory(mfa=False))
    client.cookies["django_language"] = "sv"

    response = client.get(reverse("awards:organiser_edition_list"))

    with translation.override("sv"):
        expected = translation.gettext(MESSAGE)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [expected]


def test_organiser_with_mfa_reaches_every_privileged_page(client, edition, nomination):
    login(client, OrganiserFactory(is_superuser=True))

    for url in privileged_pages(edition, nomination):
        if url == reverse("jury:scorecards", args=[nomination.pk]):
            continue  # a 404 until scoring closes, for everyone
        assert client.get(url).status_code == 200, url


def test_post_by_an_organiser_without_mfa_changes_nothing(client, edition):
    login(client, OrganiserFactory(mfa=False))
    before = Edition.objects.count()

    response = client.post(reverse("awards:organiser_edition_create"), {"year": 2099})

    assert response["Location"] == setup_url(reverse("awards:organiser_edition_create"))
    assert Edition.objects.count() == before


def test_staff_without_mfa_is_sent_to_set_it_up_before_the_admin(client):
    login(client, UserFactory(is_staff=True, is_superuser=True))

    response = client.get(reverse("admin:accounts_user_changelist"))

    assert response["Location"] == setup_url(reverse("admin:accounts_user_changelist"))


def test_staff_with_mfa_reaches_the_admin(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    activate_totp_for(user)
    login(client, user)

    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200


def test_startup_without_mfa_is_refused_by_the_view_not_sent_to_mfa(client, edition, nomination):
    login(client, nomination.submitted_by)

    for url in privileged_pages(edition, nomination):
        response = client.get(url)
        assert response.status_code in (302, 404), url
        if response.status_code == 302:  # the admin sends non-staff to its login
            assert not response["Location"].startswith(reverse("mfa_activate_totp")), url


def test_juror_without_mfa_is_not_asked_for_it_on_organiser_pages_they_may_not_see(client, edition, nomination):
    login(client, juror_with_mfa(edition=edition, mfa=False))

    assert client.get(reverse("jury:assignments", args=[edition.pk])).status_code == 404
    assert client.get(reverse("jury:conflicts"))["Location"] == setup_url(reverse("jury:conflicts"))


def test_juror_dashboard_shows_the_prompt_instead_of_redirecting(client, edition):
    login(client, juror_with_mfa(edition=edition, mfa=False))

    response = client.get(reverse("jury:dashboard"))

    assert response.status_code == 200
    assert reverse("mfa_activate_totp") in response.content.decode()


def test_public_pages_need_no_mfa_even_for_organisers(client, edition):
    login(client, OrganiserFactory(mfa=False))

    for url in (reverse("public:home"), reverse("awards:edition_detail", args=[edition.year]), reverse("mfa_index")):
        assert client.get(url).status_code == 200, url


def test_a_view_marked_mfa_required_is_privileged():
    @mfa_required
    def view(request):
        raise AssertionError

    match = SimpleNamespace(view_name="public:anything", namespaces=["public"], url_name="anything")

    assert roles_needing_mfa(match, "/anything/", view) == ("accounts.rules.is_organiser", JUROR)
    assert roles_needing_mfa(match, "/anything/", lambda request: None) == ()


# Every URL of the project, with who needs TOTP there. A URL added without a row here fails the test,
# so a new privileged page cannot be forgotten.
PUBLIC = ()
EXPECTED_ROLES = {
    "awards:organiser_*": (ORGANISER,),
    "nominations:organiser_*": (ORGANISER,),
    "jury:invitation_accept": PUBLIC,
    "jury:invitation*": (ORGANISER,),
    "jury:assignments*": (ORGANISER,),
    "jury:progress*": (ORGANISER,),
    "jury:organiser_conflicts": (ORGANISER,),
    "jury:dashboard": PUBLIC,
    "jury:conflicts": (ORGANISER, JUROR),
    "jury:score": (ORGANISER, JUROR),
    "jury:scorecards": (ORGANISER, JUROR),
    "verdict:*": (ORGANISER, JUROR),
    "admin:login": PUBLIC,
    "admin:logout": PUBLIC,
    "admin:*": (STAFF,),
    # Pages of everyone (public, applicants' own, account management): nothing privileged.
    "healthz": PUBLIC,
    "set_language": PUBLIC,
    "account_*": PUBLIC,
    "mfa_*": PUBLIC,
    "usersessions_*": PUBLIC,
    "nominations:mine": PUBLIC,
    "nominations:start": PUBLIC,
    "nominations:detail": PUBLIC,
    "nominations:edit": PUBLIC,
    "nominations:withdraw": PUBLIC,
    "nominations:pitch_deck": PUBLIC,
    "awards:edition_detail": PUBLIC,
    "awards:edition_calendar": PUBLIC,
    "public:*": PUBLIC,
    "accounts:*": PUBLIC,
}


def every_url(resolver=None, namespace="", prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from every_url(pattern, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield namespace, pattern, "/" + prefix + str(pattern.pattern)


def expected_for(view_name: str):
    from fnmatch import fnmatchcase

    for key, roles in EXPECTED_ROLES.items():
        if fnmatchcase(view_name, key):
            return roles
    return None


def test_every_url_has_its_expected_mfa_roles():
    missing, wrong = [], []
    for namespace, pattern, path in every_url():
        view_name = f"{namespace}{pattern.name or ''}"
        namespaces = [ns for ns in namespace.split(":") if ns]
        match = SimpleNamespace(view_name=view_name, namespaces=namespaces, url_name=pattern.name)
        expected = expected_for(view_name)
        if expected is None:
            missing.append(f"{view_name} {path}")
            continue
        actual = roles_needing_mfa(match, path, pattern.callback)
        if set(actual) != set(expected):
            wrong.append(f"{view_name} {path}: {actual} != {expected}")
    assert not missing, "URLs without a row in EXPECTED_ROLES:\n" + "\n".join(missing)
    assert not wrong, "\n".join(wrong)
