from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from awards.models import Award, Edition
from nominations.models import Nomination


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        if create:
            self.save()


class OrganiserFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def organiser_group(self, create, extracted, **kwargs):
        if create:
            group, _ = Group.objects.get_or_create(name=settings.ORGANISERS_GROUP)
            self.groups.add(group)


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Award
        django_get_or_create = ["slug"]

    name = "Flemingsberg Science Award STARTUP"
    slug = "startup"
    tagline_sv = "Priset till startupbolaget från Flemingsberg."
    tagline_en = "The award for the startup from Flemingsberg."


class EditionFactory(factory.django.DjangoModelFactory):
    """An edition open for nominations now, unless the timeline is given."""

    class Meta:
        model = Edition

    award = factory.SubFactory(AwardFactory)
    year = factory.Sequence(lambda n: 2030 + n)
    nominations_open_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    nominations_close_at = factory.LazyAttribute(lambda e: e.nominations_open_at + timedelta(days=40))
    scoring_open_at = factory.LazyAttribute(lambda e: e.nominations_close_at + timedelta(days=7))
    scoring_close_at = factory.LazyAttribute(lambda e: e.scoring_open_at + timedelta(days=21))
    announce_at = factory.LazyAttribute(lambda e: e.scoring_close_at + timedelta(days=14))


class NominationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nomination

    edition = factory.SubFactory(EditionFactory)
    submitted_by = factory.SubFactory(UserFactory)
    startup_name = factory.Sequence(lambda n: f"Startup {n} AB")
