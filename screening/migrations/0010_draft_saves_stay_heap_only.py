"""Drafts are updated on every step's save: keep those updates heap-only (HOT) on PostgreSQL,
so they write no index entries and leave no dead index entries behind. No index on the column
every save moves (expires_at), no unused LIKE index on the token hash, and room on each page
for the new row version (fillfactor 70)."""

import screening.models.intake
from django.db import migrations, models


def leave_room_for_updates(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE screening_draft SET (fillfactor = 70)")


def fill_pages(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE screening_draft RESET (fillfactor)")


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0009_draft_answers_sealed_by_step'),
    ]

    operations = [
        migrations.AlterField(
            model_name='draft',
            name='expires_at',
            field=models.DateTimeField(default=screening.models.intake.default_expiry),
        ),
        migrations.AlterField(
            model_name='draft',
            name='token_hash',
            field=models.CharField(editable=False, max_length=64),
        ),
        migrations.AddConstraint(
            model_name='draft',
            constraint=models.UniqueConstraint(fields=('token_hash',), name='draft_token_hash'),
        ),
        migrations.RunPython(leave_room_for_updates, fill_pages),
    ]
