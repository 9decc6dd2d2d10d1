"""Model fields whose values are encrypted in the database (see clinic/crypto.py)."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from clinic import crypto


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token. It cannot be filtered or ordered on: search goes through
    blind indexes instead."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)


class EncryptedJSONField(models.TextField):
    """A JSON document stored as one Fernet token."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", dict)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return None
        return json.loads(crypto.decrypt(value))

    def to_python(self, value):
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    def get_prep_value(self, value):
        if value is None:
            return None
        return crypto.encrypt(json.dumps(value, cls=DjangoJSONEncoder, separators=(",", ":")))

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), cls=DjangoJSONEncoder)
