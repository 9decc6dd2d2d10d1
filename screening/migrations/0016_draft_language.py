from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0015_draft_notices_and_call_me_requests"),
    ]

    operations = [
        migrations.AddField(
            model_name="draft",
            name="language",
            field=models.CharField(default="en", max_length=8),
        ),
    ]
