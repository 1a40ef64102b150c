from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.db import model_columns, model_from_values, prepared_read


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)

    def get(self, *args, **kwargs):
        """User.objects.get(pk=...) alone, as the authentication backends load the logged-in user on every
        request, runs one plain SQL statement and builds the same instance; the ORM spent about three times
        as long building and compiling that query as the database took to answer it. While Django's
        auth.get_user() runs (accounts.authentication), the user read with the session is taken instead, if
        it is the one asked for. Any other lookup, and every manager of a relation (which filters), is the
        ORM's get()."""
        if type(self) is not UserManager or args or len(kwargs) != 1 or not kwargs.keys() & {"pk", "id"}:
            return super().get(*args, **kwargs)
        from .session_store import authenticating_session

        (value,) = kwargs.values()
        session = authenticating_session.get()
        if session is not None and self.db == session.model.objects.db:
            # Django's auth.get_user() asking for the session's user: it was read with the session.
            user = session.take_user(value)
            if user is not None:
                return user
        connection, row = prepared_read(
            self.model, _user_by_pk_sql, [self.model._meta.pk.get_prep_value(value)], using=self.db
        )
        if row is None:
            raise self.model.DoesNotExist(f"{self.model._meta.object_name} matching query does not exist.")
        return model_from_values(self.model, row, connection)


class User(AbstractUser):
    """A person with an account; the e-mail address is the login."""

    username = None
    first_name = None
    last_name = None
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail address"), unique=True)
    # The language the person last used the site in; e-mails sent outside a request are written in it.
    # Empty until they sign up, log in or switch language: such mails then carry every site language.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name or self.email


# The logged-in user, read on every request (UserManager.get).
def _user_by_pk_sql(connection) -> str:
    quote, meta = connection.ops.quote_name, User._meta
    table = quote(meta.db_table)
    return (
        f"SELECT {model_columns(User, table, connection)} FROM {table} "  # noqa: S608  # nosec B608 - our table and columns; the value as %s
        f"WHERE {table}.{quote(meta.pk.column)} = %s"
    )


class Session(AbstractBaseSession):
    """A login session (Django's database session with the logged-in user's id beside the data).

    The id lets every request read the session, the user and the facts each page asks about that user in
    one statement (accounts.session_store), and find a person's sessions without decoding any. It is what
    the session data says (written together, by SessionStore.create_model_instance()); no database
    constraint, so a session saved while its user is being deleted cannot fail: its id then names no one,
    and nobody is logged in by it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="+",
    )

    class Meta(AbstractBaseSession.Meta):
        db_table = "accounts_session"

    @classmethod
    def get_session_store_class(cls):
        from .session_store import SessionStore

        return SessionStore
