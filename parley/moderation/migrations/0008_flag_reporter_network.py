"""Flag.reporter_network: the flagger's network, so that flags from one network count once."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("moderation", "0006_queue_reasons")]

    operations = [
        migrations.AddField(
            model_name="flag",
            name="reporter_network",
            field=models.CharField(blank=True, max_length=64),
        ),
    ]
