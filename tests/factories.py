import secrets
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
    """An organiser with TOTP set up, as organisers must have (`mfa=False` for one without); the secret
    is kept on the instance as `totp_secret`."""

    is_staff = True

    @factory.post_generation
    def organiser_group(self, create, extracted, **kwargs):
        if create:
            group, _ = Group.objects.get_or_create(name=settings.ORGANISERS_GROUP)
            self.groups.add(group)

    @factory.post_generation
    def mfa(self, create, extracted, **kwargs):
        if create and extracted is not False:
            self.totp_secret = activate_totp_for(self)


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


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "awards.Criterion"

    edition = factory.SubFactory(EditionFactory)
    position = factory.Sequence(lambda n: n)
    name_sv = factory.Sequence(lambda n: f"Kriterium {n}")
    name_en = factory.Sequence(lambda n: f"Criterion {n}")
    guidance_sv = "Bedöm helheten."
    guidance_en = "Judge the whole."
    weight = 1
    scale_min = 1
    scale_max = 5


class CriterionLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "awards.CriterionLevel"

    criterion = factory.SubFactory(CriterionFactory)
    value = 1
    descriptor_sv = factory.LazyAttribute(lambda level: f"Nivå {level.value}")
    descriptor_en = factory.LazyAttribute(lambda level: f"Level {level.value}")


def valid_org_number(n: int) -> str:
    """A distinct Swedish organisation number (with a correct check digit) for each n."""
    from nominations.validators import luhn_valid

    digits = f"55{n % 10_000_000:07d}"
    check = next(d for d in "0123456789" if luhn_valid(digits + d))
    return f"{digits[:6]}-{digits[6:]}{check}"


class SubmittedNominationFactory(NominationFactory):
    """A complete nomination (every field filled, a pitch deck attached), submitted a day ago."""

    status = Nomination.Status.SUBMITTED
    org_number = factory.Sequence(valid_org_number)
    website = factory.Sequence(lambda n: f"https://startup{n}.example")
    founded_year = 2022
    sector = "life_science"
    stage = "prototype"
    team_size = 5
    city = "Huddinge"
    flemingsberg_tie = "Lab bench at A Working Lab on the Flemingsberg campus."
    contact_name = "Maja Ek"
    contact_phone = "08-123 456 78"
    pitch = "Faster diagnosis of sepsis at the bedside."
    problem = "Sepsis is found too late."
    solution = "A bedside test that answers in twenty minutes."
    innovation = "A new biomarker panel."
    market = "Emergency departments in the Nordics."
    team = "A clinician, a chemist and an engineer."
    impact = "Fewer deaths and shorter hospital stays."
    pitch_deck = factory.django.FileField(filename="deck.pdf", data=b"%PDF-1.4\n%%EOF\n")
    pitch_deck_name = "deck.pdf"
    video_url = "https://video.example/pitch"
    consent_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    submitted_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


# Jury: jurors with TOTP set up through allauth's own API, released plans, assignments, rubrics.


def activate_totp_for(user) -> str:
    """Give the user a TOTP authenticator as allauth's setup page would; returns the secret."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def edition_in_scoring(**kwargs) -> Edition:
    """An edition whose jury is scoring now (scoring opened 13 days ago and closes in 8)."""
    kwargs.setdefault("nominations_open_at", timezone.now() - timedelta(days=60))
    return EditionFactory(**kwargs)


def juror_with_mfa(*, edition: Edition, role: str = "juror", mfa: bool = True, **user_fields) -> User:
    """A verified user seated on the edition's jury, with TOTP set up (unless `mfa=False`)."""
    from jury.models import JuryMember

    user = UserFactory(**user_fields)
    JuryMember.objects.create(edition=edition, user=user, role=role)
    if mfa:
        activate_totp_for(user)
    return user


def jury_plan_released(edition: Edition, *, released: bool = True):
    from jury.models import JuryPlan

    plan, _ = JuryPlan.objects.get_or_create(edition=edition)
    plan.released_at = timezone.now() - timedelta(days=1) if released else None
    plan.save(update_fields=["released_at"])
    return plan


def assignment_for(juror, nomination, *, position: int = 0, declared: bool | None = False):
    """Assign the nomination to the juror. `declared=False` also records the juror's "no conflict"
    answer, True a conflict, None leaves the question open."""
    from jury.models import Assignment, ConflictDeclaration, ConflictKind

    assignment = Assignment.objects.create(
        edition=nomination.edition, juror=juror, nomination=nomination, position=position
    )
    if declared is not None:
        ConflictDeclaration.objects.create(
            juror=juror,
            nomination=nomination,
            has_conflict=declared,
            kind=ConflictKind.INVESTOR if declared else "",
            recorded_by=juror,
        )
    return assignment


def rubric_for(edition: Edition, *, criteria: int = 3, scale_min: int = 1, scale_max: int = 5) -> list:
    """`criteria` criteria of the edition, each with a descriptor for every level of its scale."""
    made = []
    for position in range(criteria):
        criterion = CriterionFactory(edition=edition, position=position, scale_min=scale_min, scale_max=scale_max)
        for value in criterion.levels_range:
            CriterionLevelFactory(criterion=criterion, value=value)
        made.append(criterion)
    return made


# Jury membership and invitations.


class JuryMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "jury.JuryMember"

    edition = factory.SubFactory(EditionFactory)
    user = factory.SubFactory(UserFactory)
    role = "juror"


class InvitationFactory(factory.django.DjangoModelFactory):
    """A pending invitation sent just now. Only the token's hash is stored; the token itself is left on
    the object as `.token`, as the e-mail would carry it."""

    class Meta:
        model = "jury.Invitation"

    edition = factory.SubFactory(EditionFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    name = factory.Faker("name")
    role = "juror"
    invited_by = factory.SubFactory(OrganiserFactory)
    sent_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))

    @classmethod
    def _create(cls, model_class, *args, token: str, **kwargs):
        from jury.models import hash_token

        invitation = super()._create(model_class, *args, token_hash=hash_token(token), **kwargs)
        invitation.token = token
        return invitation
