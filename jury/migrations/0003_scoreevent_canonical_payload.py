"""Chain events keep their payload as the canonical JSON text that was hashed (it was a JSON column,
which the database re-serialises in its own layout)."""

from django.db import migrations

import jury.models


def to_canonical(apps, schema_editor):
    ScoreEvent = apps.get_model("jury", "ScoreEvent")
    for pk, payload in ScoreEvent.objects.values_list("pk", "payload").iterator(chunk_size=2000):
        ScoreEvent.objects.filter(pk=pk).update(payload=payload)


class Migration(migrations.Migration):
    dependencies = [("jury", "0002_jurymember_code_scoreevent")]

    operations = [
        migrations.AlterField(
            model_name="scoreevent",
            name="payload",
            field=jury.models.CanonicalJSONField(verbose_name="event"),
        ),
        migrations.RunPython(to_canonical, migrations.RunPython.noop),
    ]
