"""Settings shared by every environment; environments differ only by environment variables."""

from pathlib import Path
from urllib.parse import urlparse

import environ
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Internationalisation: Swedish first, English beside it.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# Databases: a SQLite file unless DATABASE_URL names another database.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Keep connections open between requests: opening one per request costs most of the throughput.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# The plain-SQL reads every page makes (core.db.prepared_cursor) are prepared statements on PostgreSQL, planned
# once per connection. Switch off behind a connection pooler that does not keep prepared statements.
DATABASE_PREPARED_READS = env.bool("DATABASE_PREPARED_READS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

DJANGO_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.admin",
]
THIRD_PARTY_APPS = [
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "rules.apps.AutodiscoverRulesConfig",
]
LOCAL_APPS = [
    "core",
    "accounts",
    "awards",
    "nominations",
    "jury",
    "jury.verdict",
    "awards.results",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "public:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.authentication.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.sessions.SessionTimeoutMiddleware",
    "accounts.mfa.MFARequiredMiddleware",
]

# Static files: our own and the Bootstrap distribution installed from the npm registry at setup.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Pitch decks and other applicant files: never under MEDIA_URL; served only by authorising views.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(MEDIA_ROOT / "private")))
PRIVATE_STORAGE = {
    "BACKEND": "core.storage.PrivateFileSystemStorage",
    "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": PRIVATE_STORAGE,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
                "accounts.context_processors.roles",
                "jury.context_processors.jury_roles",
            ],
        },
    }
]
# Django's renderer, but plain inputs, textareas and selects written in Python (same markup; core/forms.py).
FORM_RENDERER = "core.forms.PythonWidgetRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security headers on every response; production tightens cookies and HTTPS on top.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    # Bootstrap draws its form controls with data: SVGs; allauth shows the TOTP QR code as one.
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
# Sessions live in the database (Django's own store), read with one SQL statement rather than the ORM.
SESSION_ENGINE = "accounts.session_store"
# A login ends after this long without a request, and this long after it began, whichever comes first.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=SESSION_COOKIE_AGE)
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Cache: Redis when REDIS_URL is set, local memory otherwise (allauth's rate limits need a real cache).
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "fsa",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fsa"}}

# E-mail: every message is written to the outbox table in the caller's transaction and delivered
# by a Celery task through the "deliver" mailer, configured by EMAIL_URL.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Flemingsberg Science Award <award@flemingsbergscience.se>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_SUBJECT_PREFIX = "[Flemingsberg Science Award] "
# The address of the site as people reach it, for links in e-mails sent outside a request.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
EMAIL_OUTBOX_BACKEND = "core.mail.OutboxEmailBackend"


def mailer_from_url(url: str) -> dict:
    """Turn an EMAIL_URL (smtp://, smtp+tls://, consolemail://, filemail://...) into a MAILERS entry."""
    parsed = environ.Env.email_url_config(url)
    options = {}
    for setting, option in [
        ("EMAIL_HOST", "host"),
        ("EMAIL_PORT", "port"),
        ("EMAIL_HOST_USER", "username"),
        ("EMAIL_HOST_PASSWORD", "password"),
        ("EMAIL_USE_TLS", "use_tls"),
        ("EMAIL_USE_SSL", "use_ssl"),
        ("EMAIL_FILE_PATH", "file_path"),
    ]:
        if parsed.get(setting) not in (None, ""):
            options[option] = parsed[setting]
    if "file_path" in options:
        # django-environ drops the leading slash of filemail:///absolute/path.
        options["file_path"] = urlparse(url).path
    if parsed["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
        options["timeout"] = env.int("EMAIL_TIMEOUT", default=20)
    return {"BACKEND": parsed["EMAIL_BACKEND"], "OPTIONS": options}


MAILERS = {
    "default": {"BACKEND": EMAIL_OUTBOX_BACKEND},
    "deliver": mailer_from_url(env("EMAIL_URL", default="consolemail://")),
}

# Celery: Redis as the broker when REDIS_URL is set; without it tasks run eagerly in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_WORKER_SEND_TASK_EVENTS = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Longer than any countdown or ETA we use (the longest is a one-day retry backoff), so a task
# held by a slow worker is not redelivered to another one while it is still running.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 2 * 24 * 60 * 60,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
# A request that enqueues a task while Redis is down must not hang: give up quickly,
# the outbox keeps the work and the drain job enqueues it later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Write each run back to the schedule table at once, so a beat restart never re-sends a job early.
CELERY_BEAT_SYNC_EVERY = 1
DJANGO_CELERY_BEAT_TZ_AWARE = True

# django-allauth: e-mail is the login, verified before first use, MFA by TOTP with recovery codes.
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = EMAIL_SUBJECT_PREFIX
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")
# allauth's rate limits, written out so they are visible and tested (tests/security/test_rate_limits.py);
# they count in CACHES["default"]. The admin signs in through allauth's login (config/urls.py).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # The 6th failed login for one account within 5 minutes is refused, whatever the IP.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
}  # The rest keep allauth's defaults, among them password reset: 20 a minute per IP, 5 a minute per address.
# Sessions are listed per user (allauth.usersessions), so deactivation can end all of them; no
# per-request activity tracking, which would write to the database on every request.
USERSESSIONS_TRACK_ACTIVITY = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Flemingsberg Science Award"
MFA_RECOVERY_CODE_COUNT = 10
# Pages that need TOTP (accounts/mfa.py): URL-name patterns, first match wins, with the roles that must
# have it there. Besides these: the whole admin site for staff, any other path with "/organiser/" for
# organisers, and views decorated with accounts.mfa.mfa_required for organisers and jurors.
_ORGANISER = ["accounts.rules.is_organiser"]
_ORGANISER_OR_JUROR = ["accounts.rules.is_organiser", "jury.rules.is_seated_juror"]
PRIVILEGED_PAGES = [
    # The juror's dashboard shows the set-up prompt and nothing confidential; accepting an invitation
    # leads to the set-up itself.
    ("jury:dashboard", []),
    ("jury:invitation_accept", []),
    ("*:organiser*", _ORGANISER),
    ("jury:invitation*", _ORGANISER),
    ("jury:assignments*", _ORGANISER),
    ("jury:progress*", _ORGANISER),
    ("jury:*", _ORGANISER_OR_JUROR),
    # Results, tally, finalists, winner and announcement: organisers and the jury chair.
    ("verdict:*", _ORGANISER_OR_JUROR),
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

ADMIN_URL = env("DJANGO_ADMIN_URL", default="admin/")
# Years after an edition's announcement that applicants' contact details are kept (accounts/services.py).
PERSONAL_DATA_RETENTION_YEARS = env.int("PERSONAL_DATA_RETENTION_YEARS", default=5)
ORGANISERS_GROUP = "organisers"
# Only true behind a proxy that sets X-Forwarded-For itself (docker-compose, production).
TRUST_X_FORWARDED_FOR = env.bool("TRUST_X_FORWARDED_FOR", default=False)

# Periodic jobs, defined here and installed into django-celery-beat's tables when beat starts.
# The drain job leaves fresh rows to the on-commit enqueue and picks up what is older than this.
OUTBOX_DRAIN_AFTER_SECONDS = env.int("OUTBOX_DRAIN_AFTER_SECONDS", default=30)
CELERY_BEAT_SCHEDULE = {
    # Applicants' contact data anonymised PERSONAL_DATA_RETENTION_YEARS after the edition's announcement.
    "anonymise-expired-contact-data": {
        "task": "accounts.tasks.anonymise_expired_contact_data",
        "schedule": 24 * 60 * 60.0,
    },
    # Sessions past their expiry date: never read again, deleted so the table does not grow for ever.
    "clear-expired-sessions": {"task": "accounts.tasks.clear_expired_sessions", "schedule": 24 * 60 * 60.0},
    "drain-outbox": {"task": "core.tasks.drain_outbox", "schedule": 60.0},
    # Jurors' deadline reminders; each is recorded once sent, so the interval only sets how late one can be.
    "send-scoring-reminders": {"task": "jury.tasks.send_scoring_reminders", "schedule": 15 * 60.0},
    # Tally each edition whose scoring has closed (once per distinct input: later runs find the result).
    "tally-closed-editions": {"task": "jury.verdict.tasks.tally_closed_editions", "schedule": 60.0},
    # Publish each scheduled winner announcement once its time has come.
    "publish-due-announcements": {"task": "jury.verdict.tasks.publish_due_announcements", "schedule": 30.0},
}
