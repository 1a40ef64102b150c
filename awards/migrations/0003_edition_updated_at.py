import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0002_edition_quorum_edition_tally_method_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="edition",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now, verbose_name="updated"),
            preserve_default=False,
        ),
    ]
