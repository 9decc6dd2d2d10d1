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


class EncryptedSectionsField(models.JSONField):
    """A JSON object of sections (an intake's steps), each section stored as its own Fernet
    token: {"about": "gAAAA...", "medical": "gAAAA..."}.

    In Python the value is the plain {section: answers} dict. Sealing sections one by one lets
    a single section be written straight into the row in one statement
    (`Draft.objects.save_step`), without reading, decrypting and re-encrypting the others. The
    section names (the step slugs) are not secret: which steps are done is stored in clear
    beside them.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", dict)
        super().__init__(*args, **kwargs)

    @staticmethod
    def seal(section) -> str:
        return crypto.encrypt(json.dumps(section, cls=DjangoJSONEncoder, separators=(",", ":")))

    @staticmethod
    def open(token: str):
        return json.loads(crypto.decrypt(token))

    def from_db_value(self, value, expression, connection):
        sealed = super().from_db_value(value, expression, connection)
        if not isinstance(sealed, dict):
            return sealed
        return {name: self.open(token) for name, token in sealed.items()}

    def get_prep_value(self, value):
        if isinstance(value, dict):
            value = {name: self.seal(section) for name, section in value.items()}
        return super().get_prep_value(value)

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), cls=DjangoJSONEncoder)
