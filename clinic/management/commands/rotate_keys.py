import json

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from clinic import crypto
from clinic.fields import EncryptedJSONField, EncryptedSectionsField, EncryptedTextField

ENCRYPTED = EncryptedTextField | EncryptedJSONField | EncryptedSectionsField


def encrypted_columns():
    for model in apps.get_models():
        fields = [field for field in model._meta.concrete_fields if isinstance(field, ENCRYPTED)]
        if fields:
            yield model, fields


def rotated(field, stored):
    if not stored:
        return stored
    if isinstance(field, EncryptedSectionsField):
        # One token per section, in a JSON object (a string from either database here).
        sections = json.loads(stored) if isinstance(stored, str) else stored
        return json.dumps({name: crypto.rotate(token) for name, token in sections.items()})
    return crypto.rotate(stored)


class Command(BaseCommand):
    help = "Re-encrypt every encrypted value with the first key in FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size=500, **options):
        total = 0
        for model, fields in encrypted_columns():
            count = self.rotate_table(model, fields, batch_size)
            total += count
            self.stdout.write(f"  {model._meta.label}: {count} row(s)")
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-encrypted {total} row(s) with the current key. Once this has run everywhere, "
                "older keys can be removed from FIELD_ENCRYPTION_KEYS."
            )
        )

    def rotate_table(self, model, fields, batch_size):
        # Plain SQL on purpose: the stored tokens are re-encrypted without the ORM turning them
        # into answers and back, and append-only history keeps its content while its key changes.
        quote = connection.ops.quote_name
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        selected = ", ".join(quote(field.column) for field in fields)
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
        last, count = None, 0
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                where = f"WHERE {pk} > %s " if last is not None else ""
                cursor.execute(
                    f"SELECT {pk}, {selected} FROM {table} {where}ORDER BY {pk} LIMIT %s",  # noqa: S608
                    ([last] if last is not None else []) + [batch_size],
                )
                rows = cursor.fetchall()
                if not rows:
                    return count
                for pk_value, *tokens in rows:
                    fresh = [rotated(f, t) for f, t in zip(fields, tokens, strict=True)]
                    cursor.execute(
                        f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608
                        [*fresh, pk_value],
                    )
                count += len(rows)
                last = rows[-1][0]
