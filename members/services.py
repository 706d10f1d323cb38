"""Every write to the members registry: role checked, in a transaction, recorded in the audit log."""

from django.db import IntegrityError, transaction

from cppcc import svc_checks
from cppcc.audit import acting
from cppcc.errors import ApplicationError

from . import idcard
from .models import Member

MEMBER_M2M_FIELDS = ("committees", "terms")


def require_office(actor):
    svc_checks.require_office(actor, "维护委员信息")


def _fill_from_id_number(member: Member):
    """Birth date and gender follow from a valid ID number when the office left them empty."""
    if member.id_number and not idcard.validation_error(member.id_number):
        member.birth_date = member.birth_date or idcard.birth_date(member.id_number)
        member.gender = member.gender or idcard.gender(member.id_number)


def save_member(member: Member, m2m: dict):
    if member.id_number:
        member.id_number = idcard.normalize(member.id_number)
    _fill_from_id_number(member)
    svc_checks.require_valid(member, "委员")
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        # Two offices registering the same ID number at once: the unique hash refuses the second.
        if "id_number_hash" not in str(exc):
            raise
        message = "具有该身份证号码的委员已存在。"
        raise ApplicationError("委员信息有误：" + message, errors={"id_number": [message]}) from exc
    for field, values in m2m.items():
        getattr(member, field).set(values)
    return member


def member_create(*, actor, data: dict) -> Member:
    require_office(actor)
    fields = {k: v for k, v in data.items() if k not in MEMBER_M2M_FIELDS}
    m2m = {k: data[k] for k in MEMBER_M2M_FIELDS if k in data}
    with acting(actor), transaction.atomic():
        return save_member(Member(**fields), m2m)


def member_update(*, actor, member: Member, data: dict) -> Member:
    require_office(actor)
    with acting(actor), transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        m2m = {}
        for key, value in data.items():
            if key in MEMBER_M2M_FIELDS:
                m2m[key] = value
            else:
                setattr(member, key, value)
        return save_member(member, m2m)


def reference_save(*, actor, serializer):
    """Create or update a piece of reference data (sectors, parties, units …) from a valid serializer."""
    require_office(actor)
    with acting(actor), transaction.atomic():
        return serializer.save()


def personal_data_reencrypt() -> int:
    """Re-encrypt every member's ID and phone number under the first FIELD_ENCRYPTION_KEYS key and
    recompute the ID lookup hashes with the current FIELD_HASH_KEY — the second step of a key rotation
    (new key first in the list → this → drop the old key). Rows are read with every configured key,
    so an interrupted run can simply be repeated; other models' encrypted columns (a proposal's contact
    phone) go the same way. Returns the number of rows rewritten.

    A plain UPDATE per row: the values do not change, so there is nothing for the audit log."""
    hash_field = Member._meta.get_field("id_number_hash")
    count = 0
    with transaction.atomic():
        for member in Member.objects.only("pk", "id_number", "phone").select_for_update().iterator(chunk_size=500):
            Member.objects.filter(pk=member.pk).update(
                id_number=member.id_number, phone=member.phone, id_number_hash=hash_field.compute(member)
            )
            count += 1
        count += _reencrypt_other_models()
    return count


def _reencrypt_other_models() -> int:
    """Every other model's encrypted columns (e.g. a proposal's contact phone), the same way."""
    from django.apps import apps

    from cppcc.crypto import EncryptedCharField

    count = 0
    for model in apps.get_models():
        if model is Member:
            continue
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]
        if not names:
            continue
        rows = model.objects.only("pk", *names).select_for_update().order_by("pk")
        for row in rows.iterator(chunk_size=500):
            model.objects.filter(pk=row.pk).update(**{name: getattr(row, name) for name in names})
            count += 1
    return count
