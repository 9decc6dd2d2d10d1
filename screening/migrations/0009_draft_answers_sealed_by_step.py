"""Draft answers move from one encrypted document to one encrypted section per step, so a
step's save writes only its own section (clinic.fields.EncryptedSectionsField)."""

import clinic.fields
from django.db import migrations


def seal_by_step(apps, schema_editor):
    Draft = apps.get_model("screening", "Draft")
    for draft in Draft.objects.only("pk", "answers").iterator(chunk_size=500):
        draft.sections = draft.answers or {}
        draft.save(update_fields=["sections"])


def seal_as_one(apps, schema_editor):
    Draft = apps.get_model("screening", "Draft")
    for draft in Draft.objects.only("pk", "sections").iterator(chunk_size=500):
        draft.answers = draft.sections or {}
        draft.save(update_fields=["answers"])


class Migration(migrations.Migration):
    dependencies = [("screening", "0008_submission_anonymised_at")]

    operations = [
        migrations.AddField(
            model_name="draft",
            name="sections",
            field=clinic.fields.EncryptedSectionsField(blank=True, default=dict),
        ),
        migrations.RunPython(seal_by_step, seal_as_one),
        migrations.RemoveField(model_name="draft", name="answers"),
        migrations.RenameField(model_name="draft", old_name="sections", new_name="answers"),
    ]
