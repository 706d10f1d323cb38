"""Personal data at rest: authenticated encryption of single fields and a keyed hash to find them.

An ID number or a mobile number is stored as a Fernet token (AES-128-CBC + HMAC-SHA256, from the
`cryptography` library): a copy of the database, a backup or a DBA's query shows no personal data,
and a token altered or read with the wrong key fails loudly instead of returning rubbish.

Because every token is different, even for the same number, equality can no longer be asked of the
column. Lookups and uniqueness go through a keyed hash (HMAC-SHA256) kept in its own column
(`KeyedHashField`), e.g. `Member.objects.filter(id_number_hash=lookup_hash(number))`. The
encrypted field refuses every lookup but `isnull`, so a forgotten `filter(id_number=…)` is an error,
not a silent empty result.

Keys come from the environment:

- `FIELD_ENCRYPTION_KEYS`: comma-separated Fernet keys. The first encrypts, every one decrypts —
  to rotate, put a new key first, run `manage.py reencrypt_personal_data`, then drop the old key.
- `FIELD_HASH_KEY`: the HMAC key for the lookup hashes. It cannot be rotated without recomputing
  every hash (`reencrypt_personal_data` does that too).

Without them (the embedded demo) both are derived from SECRET_KEY; the deploy check
`cppcc.W001` warns about it, since changing SECRET_KEY would then make the data unreadable.
"""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.db import models

TOKEN_PREFIX = "gAAAAA"  # every Fernet token (version byte 0x80) starts like this once base64-encoded


class DecryptionError(Exception):
    """A stored value cannot be decrypted with any configured key (wrong key, or altered data)."""


def _derived(purpose: str) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), f"cppcc.crypto.{purpose}".encode(), hashlib.sha256).digest()


def _encryption_keys() -> tuple[str, ...]:
    keys = tuple(k.strip() for k in getattr(settings, "FIELD_ENCRYPTION_KEYS", ()) or () if k.strip())
    if keys:
        return keys
    return (base64.urlsafe_b64encode(_derived("field-encryption")).decode(),)


def _hash_key() -> bytes:
    key = getattr(settings, "FIELD_HASH_KEY", "") or ""
    return key.encode() if key else _derived("field-hash")


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k) for k in keys])
    except ValueError as exc:
        raise DecryptionError(
            "FIELD_ENCRYPTION_KEYS 中有无效的密钥（应为 Fernet 密钥：32 字节的 URL 安全 Base64）。"
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(_encryption_keys())


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise DecryptionError(
            "无法解密已加密的字段：FIELD_ENCRYPTION_KEYS 中没有加密它的密钥，或者数据已被篡改。"
        ) from None


def rotate(token: str) -> str:
    """The same value encrypted under the first (current) key."""
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise DecryptionError("无法解密已加密的字段：密钥不匹配或数据已被篡改。") from None


def is_token(value: str | None) -> bool:
    return bool(value) and value.startswith(TOKEN_PREFIX)


def lookup_hash(value: str) -> str:
    """Keyed hash of a (normalised) value, for equality lookups and unique constraints."""
    return hmac.new(_hash_key(), value.encode(), hashlib.sha256).hexdigest()


def generate_key() -> str:
    return Fernet.generate_key().decode()


def mask_all(value: str) -> str:
    """Audit-log mask: a change is recorded, the value is not (not even half of it)."""
    return "" if value in ("", "None") else "******"


class EncryptedCharField(models.CharField):
    """A CharField in Python and in forms (max_length is the plain value's), a Fernet token in the
    database (a text column). Empty strings and NULL are stored as they are."""

    description = "加密存储的字符串"

    def get_internal_type(self):
        return "TextField"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name):
        # Equality on a randomised ciphertext can never match; ask the keyed-hash column instead.
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None

    def get_transform(self, name):
        return None


class KeyedHashField(models.CharField):
    """HMAC-SHA256 of another field's value, computed on every save (and bulk_create).

    `source` names the field hashed; an empty value hashes to NULL, so many rows may lack it even
    under a unique constraint."""

    description = "加密字段的检索哈希"

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def compute(self, instance) -> str | None:
        value = getattr(instance, self.source)
        return lookup_hash(value) if value else None

    def pre_save(self, model_instance, add):
        value = self.compute(model_instance)
        setattr(model_instance, self.attname, value)
        return value


@checks.register(checks.Tags.security, deploy=True)
def check_field_keys(app_configs=None, **kwargs):
    if settings.DEBUG:
        return []
    problems = []
    if not getattr(settings, "FIELD_ENCRYPTION_KEYS", None) or not getattr(settings, "FIELD_HASH_KEY", ""):
        problems.append(
            checks.Warning(
                "FIELD_ENCRYPTION_KEYS / FIELD_HASH_KEY are not set: personal data is encrypted with keys "
                "derived from SECRET_KEY.",
                hint='Set FIELD_ENCRYPTION_KEYS (Fernet keys: python -c "from cryptography.fernet import '
                'Fernet; print(Fernet.generate_key().decode())") and FIELD_HASH_KEY (a long random string) '
                "in the environment, then run `manage.py reencrypt_personal_data`.",
                id="cppcc.W001",
            )
        )
    else:
        try:
            fernet()
        except DecryptionError as exc:
            problems.append(checks.Error(str(exc), id="cppcc.E001"))
    return problems
