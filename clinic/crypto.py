"""Encryption at rest for patient answers and contact details, and keyed hashes for search.

Fernet (AES-128-CBC with HMAC-SHA256) from the cryptography package does the work. MultiFernet
takes the keys in FIELD_ENCRYPTION_KEYS: the first encrypts, every one decrypts, so a key is
rotated by putting a new key first and running `manage.py rotate_keys`.
"""

import hashlib
import hmac
import unicodedata
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be url-safe base64 Fernet keys"
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored value could not be decrypted: is its key still in FIELD_ENCRYPTION_KEYS?"
        ) from exc


def rotate(token: str) -> str:
    return fernet().rotate(token.encode("ascii")).decode("ascii")


def normalize(kind: str, value: str) -> str:
    value = unicodedata.normalize("NFKC", value or "").strip().casefold()
    if kind == "phone":
        digits = "".join(ch for ch in value if ch.isdigit())
        # US numbers are compared without the country code, however the person typed them.
        return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
    return " ".join(value.split())


def blind_index(kind: str, value: str) -> str:
    """A keyed hash of a normalised value: staff can find an exact name, email or phone without
    the database holding it in clear text."""
    normal = normalize(kind, value)
    if not normal:
        return ""
    key = settings.SEARCH_INDEX_KEY.encode()
    return hmac.new(key, f"{kind}:{normal}".encode(), hashlib.sha256).hexdigest()[:32]
