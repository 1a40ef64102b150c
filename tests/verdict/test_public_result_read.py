"""The public edition page's announcement read is plain SQL: it must give what the ORM gives."""

from datetime import UTC, datetime

import pytest

from jury.verdict.models import Announcement
from jury.verdict.selectors import published_announcement
from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_a_published_announcement_is_what_the_orm_reads(django_assert_num_queries):
    edition, other = EditionFactory(year=2034), EditionFactory(year=2035)
    Announcement.objects.create(edition=other, text_sv="Annan", text_en="Other", published_at=datetime.now(UTC))
    announcement = Announcement.objects.create(
        edition=edition, text_sv="Vinnaren är <b>Cellvia</b> & co", text_en="The winner", published_at=datetime.now(UTC)
    )
    expected = Announcement.objects.filter(edition=edition, published_at__isnull=False).first()

    with django_assert_num_queries(1):
        read = published_announcement(edition=edition)

    assert read == announcement and _fields(read) == _fields(expected)
    assert read.published_at.tzinfo is not None and not read._state.adding


def test_an_unpublished_or_missing_announcement_reads_as_none():
    edition = EditionFactory(year=2036)
    assert published_announcement(edition=edition) is None
    Announcement.objects.create(edition=edition, text_sv="Snart", text_en="Soon")
    assert published_announcement(edition=edition) is None
    assert Announcement.objects.filter(edition=edition, published_at__isnull=False).first() is None
