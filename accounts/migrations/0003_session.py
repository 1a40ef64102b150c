import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def copy_live_sessions(apps, schema_editor):
    """Bring the sessions still open from Django's table, each with the user its data names: nobody is
    logged out by the change."""
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    DjangoSession = apps.get_model("sessions", "Session")
    Session = apps.get_model("accounts", "Session")
    User = apps.get_model("accounts", "User")
    decoder = SessionStore()  # the signing salt is the store class's name, as Django's store wrote it
    live = DjangoSession.objects.using(schema_editor.connection.alias).filter(expire_date__gt=timezone.now())
    batch = []
    for old in live.iterator(chunk_size=2000):
        user_id = decoder.decode(old.session_data).get(SESSION_KEY)
        try:
            user_id = User._meta.pk.to_python(user_id) if user_id is not None else None
        except Exception:  # noqa: BLE001 - data that names no user names no one
            user_id = None
        batch.append(
            Session(
                session_key=old.session_key, session_data=old.session_data, expire_date=old.expire_date, user_id=user_id
            )
        )
        if len(batch) >= 2000:
            Session.objects.using(schema_editor.connection.alias).bulk_create(batch, ignore_conflicts=True)
            batch = []
    Session.objects.using(schema_editor.connection.alias).bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_language"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Session",
            fields=[
                (
                    "session_key",
                    models.CharField(max_length=40, primary_key=True, serialize=False, verbose_name="session key"),
                ),
                ("session_data", models.TextField(verbose_name="session data")),
                ("expire_date", models.DateTimeField(db_index=True, verbose_name="expire date")),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "session",
                "verbose_name_plural": "sessions",
                "db_table": "accounts_session",
                "abstract": False,
            },
        ),
        migrations.RunPython(copy_live_sessions, migrations.RunPython.noop, elidable=True),
    ]
