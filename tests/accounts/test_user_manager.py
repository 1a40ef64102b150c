"""User.objects.get(pk=...) is read in plain SQL (the logged-in user, on every request); it must give what
the ORM gives, and never bypass the filter of a relation's manager."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _fields(user) -> dict:
    return {field.attname: getattr(user, field.attname) for field in user._meta.concrete_fields}


def test_by_primary_key_is_what_the_orm_reads(django_assert_num_queries):
    user = UserFactory(name="Åsa <Öberg>", language="en")
    user.last_login = timezone.now()
    user.save()
    expected = User.objects.filter(pk=user.pk).get()

    with django_assert_num_queries(3):  # one each
        by_pk, by_id, by_text = (
            User.objects.get(pk=user.pk),
            User.objects.get(id=user.pk),
            User.objects.get(pk=str(user.pk)),
        )

    assert _fields(by_pk) == _fields(by_id) == _fields(by_text) == _fields(expected)
    assert by_pk.last_login.tzinfo is not None
    assert not by_pk._state.adding and by_pk._state.db == "default"
    assert by_pk.check_password("correct-horse-battery")


def test_an_unknown_primary_key_is_does_not_exist():
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=987654)
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=None)


def test_a_relations_manager_keeps_its_filter():
    member, outsider = UserFactory(), UserFactory()
    group = Group.objects.create(name="readers")
    group.user_set.add(member)

    assert group.user_set.get(pk=member.pk) == member
    with pytest.raises(User.DoesNotExist):
        group.user_set.get(pk=outsider.pk)


def test_other_lookups_are_the_orms():
    user = UserFactory(email="Someone@Example.org")

    assert User.objects.get(email__iexact="someone@example.org") == user
    assert User.objects.get_by_natural_key("SOMEONE@example.org") == user
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=user.pk, is_active=False)


def test_the_logged_in_user_is_read_with_the_session(client):
    user = UserFactory()
    client.force_login(user)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/accounts/privacy/", headers={"accept-language": "en"})

    assert response.wsgi_request.user == user
    (loaded,) = [query["sql"] for query in queries if "accounts_user" in query["sql"]]
    assert 'FROM "accounts_session" s LEFT OUTER JOIN "accounts_user" u' in loaded
