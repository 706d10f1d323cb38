"""ID and phone numbers are encrypted at rest: what the database holds, round trips, keys, rotation,
uniqueness and lookups through the keyed hash, the data migration in both directions, the audit log."""

import importlib
from types import SimpleNamespace

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from cppcc import crypto
from cppcc.errors import ApplicationError
from members import roster, selectors, services
from members.models import Member
from tests.factories import MemberFactory

from .conftest import TARGET_ID, TARGET_PHONE, make_id, xlsx_upload
from .test_roster import good_row

KEY_A = crypto.generate_key()
KEY_B = crypto.generate_key()


def raw_row(pk) -> tuple:
    """The stored values as the database holds them, bypassing the model."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, id_number_hash FROM members_member WHERE id = %s", [pk])
        return cursor.fetchone()


def write_raw(pk, id_number, phone, digest=None):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE members_member SET id_number = %s, phone = %s, id_number_hash = %s WHERE id = %s",
            [id_number, phone, digest, pk],
        )


@pytest.fixture
def keys(settings):
    """Explicit keys, as in production (the embedded default derives them from SECRET_KEY)."""
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    settings.FIELD_HASH_KEY = "hash-key-for-tests"
    return settings


# --- at rest ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("explicit_keys", [True, False], ids=["env-keys", "derived-from-secret-key"])
def test_database_holds_no_plain_id_or_phone(settings, ref, explicit_keys):
    if explicit_keys:
        settings.FIELD_ENCRYPTION_KEYS, settings.FIELD_HASH_KEY = [KEY_A], "h"
    target = MemberFactory(id_number=TARGET_ID, phone=TARGET_PHONE)
    id_number, phone, digest = raw_row(target.pk)
    for stored, plain in ((id_number, TARGET_ID), (phone, TARGET_PHONE)):
        assert plain not in stored
        assert crypto.is_token(stored)
        assert crypto.decrypt(stored) == plain
    assert TARGET_ID not in digest and len(digest) == 64


def test_same_number_encrypts_differently_each_time(keys, ref):
    a = MemberFactory(phone=TARGET_PHONE)
    b = MemberFactory(phone=TARGET_PHONE)
    assert raw_row(a.pk)[1] != raw_row(b.pk)[1]


def test_round_trip_through_the_model(keys, ref):
    member = MemberFactory(id_number=TARGET_ID, phone=TARGET_PHONE)
    fresh = Member.objects.get(pk=member.pk)
    assert (fresh.id_number, fresh.phone) == (TARGET_ID, TARGET_PHONE)
    assert list(Member.objects.filter(pk=member.pk).values_list("id_number", "phone")) == [(TARGET_ID, TARGET_PHONE)]
    assert fresh.id_number_masked == "110105********002X"


def test_empty_values_stay_empty(keys, ref):
    member = MemberFactory(id_number=None, phone="")
    assert raw_row(member.pk) == (None, "", None)
    fresh = Member.objects.get(pk=member.pk)
    assert (fresh.id_number, fresh.phone) == (None, "")


def test_wrong_key_fails_loudly(keys, ref):
    member = MemberFactory(id_number=TARGET_ID)
    keys.FIELD_ENCRYPTION_KEYS = [KEY_B]
    with pytest.raises(crypto.DecryptionError, match="FIELD_ENCRYPTION_KEYS"):
        Member.objects.get(pk=member.pk)


def test_altered_ciphertext_fails_loudly(keys, ref):
    member = MemberFactory(id_number=TARGET_ID)
    token = raw_row(member.pk)[0]
    write_raw(member.pk, token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:], "", None)
    with pytest.raises(crypto.DecryptionError):
        Member.objects.get(pk=member.pk)


def test_invalid_configured_key_is_a_clear_error(keys):
    keys.FIELD_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    with pytest.raises(crypto.DecryptionError, match="无效的密钥"):
        crypto.encrypt("x")


# --- lookups and uniqueness ------------------------------------------------------------------------------


def test_equality_on_the_encrypted_column_is_refused(keys, ref):
    with pytest.raises(FieldError):
        Member.objects.filter(id_number=TARGET_ID).exists()
    with pytest.raises(FieldError):
        Member.objects.filter(phone__icontains="139").exists()
    assert Member.objects.filter(id_number__isnull=True).count() == 0


def test_lookup_through_the_hash_accepts_the_number_as_typed(keys, target):
    target.save()
    assert selectors.id_number_owner(TARGET_ID.lower() + " ") == target
    assert selectors.id_number_owner(make_id(999)) is None
    assert selectors.id_number_owner("") is None


def test_hash_depends_on_the_hash_key(keys, ref):
    first = Member.id_number_hash_of(TARGET_ID)
    keys.FIELD_HASH_KEY = "another-key"
    assert Member.id_number_hash_of(TARGET_ID) != first


def test_duplicate_id_refused_by_the_service(keys, office_user, target):
    target.save()
    with pytest.raises(ApplicationError) as exc:
        services.member_create(
            actor=office_user,
            data={"name": "重名", "gender": "M", "id_number": TARGET_ID.lower(), "sector": target.sector,
                  "party": target.party},
        )  # fmt: skip
    assert exc.value.errors["id_number"] == ["具有该身份证号码的委员已存在。"]
    assert Member.objects.count() == 1


def test_duplicate_id_refused_by_the_database(keys, target):
    target.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(id_number=TARGET_ID, sector=target.sector, party=target.party)


def test_member_may_keep_its_own_id_number_on_update(keys, office_user, target):
    target.save()
    services.member_update(actor=office_user, member=target, data={"title": "院长", "id_number": TARGET_ID})
    target.refresh_from_db()
    assert (target.title, target.id_number) == ("院长", TARGET_ID)


def test_many_members_without_id_number(keys, ref):
    MemberFactory.create_batch(3, id_number=None)
    assert Member.objects.filter(id_number_hash__isnull=True).count() == 3


def test_changing_the_id_number_moves_the_hash(keys, office_user, target):
    services.member_update(actor=office_user, member=target, data={"id_number": make_id(7)})
    assert selectors.id_number_owner(make_id(7)) == target
    assert selectors.id_number_owner(TARGET_ID) is None


def test_roster_import_still_matches_by_id_number(keys, users, target):
    target.save()
    result = roster.roster_import(
        actor=users["office"], file=xlsx_upload([good_row(1, 姓名="王五", 身份证号码=TARGET_ID.lower(), 职务="新职务")])
    )
    assert (result.created, result.updated) == (0, 1)
    target.refresh_from_db()
    assert target.title == "新职务"
    assert Member.objects.count() == 1


# --- rotation ----------------------------------------------------------------------------------------------


def test_key_rotation(keys, target):
    target.save()  # encrypted under KEY_A
    old_token = raw_row(target.pk)[0]
    keys.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]  # new key first: reads old data, writes new
    assert Member.objects.get(pk=target.pk).id_number == TARGET_ID
    call_command("reencrypt_personal_data")
    new_token, new_phone, _ = raw_row(target.pk)
    assert new_token != old_token
    keys.FIELD_ENCRYPTION_KEYS = [KEY_B]  # the old key retired
    fresh = Member.objects.get(pk=target.pk)
    assert (fresh.id_number, fresh.phone) == (TARGET_ID, TARGET_PHONE)
    keys.FIELD_ENCRYPTION_KEYS = [KEY_A]
    with pytest.raises(crypto.DecryptionError):
        Member.objects.get(pk=target.pk)


def test_hash_key_change_then_reencrypt_keeps_lookups_working(keys, target):
    target.save()
    keys.FIELD_HASH_KEY = "rotated-hash-key"
    assert selectors.id_number_owner(TARGET_ID) is None  # the stored hashes are the old key's
    assert services.personal_data_reencrypt() == 1
    assert selectors.id_number_owner(TARGET_ID) == target


# --- data migration ----------------------------------------------------------------------------------------


@pytest.fixture
def migration():
    return importlib.import_module("members.migrations.0007_encrypt_personal_data")


def _schema_editor():
    return SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name)


def test_migration_encrypts_plain_rows_and_back(keys, migration, ref):
    from django.apps import apps

    plain = MemberFactory(id_number=None, phone="")
    empty = MemberFactory(id_number=None, phone="")
    write_raw(plain.pk, TARGET_ID.lower(), TARGET_PHONE)  # as stored before the migration

    migration.encrypt_rows(apps, _schema_editor())
    id_number, phone, digest = raw_row(plain.pk)
    assert crypto.is_token(id_number) and crypto.is_token(phone)
    assert digest == Member.id_number_hash_of(TARGET_ID)
    assert raw_row(empty.pk) == (None, "", None)
    assert selectors.id_number_owner(TARGET_ID) == plain

    migration.encrypt_rows(apps, _schema_editor())  # a rerun leaves encrypted rows alone
    assert crypto.decrypt(raw_row(plain.pk)[0]) == TARGET_ID

    migration.decrypt_rows(apps, _schema_editor())
    assert raw_row(plain.pk) == (TARGET_ID, TARGET_PHONE, None)
    assert raw_row(empty.pk) == (None, "", None)


# --- audit log ---------------------------------------------------------------------------------------------


def test_audit_log_records_the_change_not_the_values(keys, office_user, target):
    services.member_update(actor=office_user, member=target, data={"id_number": make_id(7), "phone": "13700000001"})
    entry = LogEntry.objects.get_for_object(target).filter(action=LogEntry.Action.UPDATE).get()
    changes = entry.changes_dict
    assert changes["id_number"] == ["******", "******"]
    assert changes["phone"] == ["******", "******"]
    assert "id_number_hash" not in changes
    stored = str(entry.changes)
    for secret in (TARGET_ID, TARGET_ID[9:], make_id(7)[9:], TARGET_PHONE[6:], "00000001"):
        assert secret not in stored


# --- 按身份证号码查找: POSTed, matched through the hash, never echoed ---------------------------------------------

FIND = "/members/find/"


@pytest.mark.parametrize(
    "role, status",
    [
        ("office", 302),
        ("leader", 403),
        ("member", 403),
        ("unit", 403),
        ("admin", 403),
        ("auditor", 403),
        ("anonymous", 302),
    ],
)
def test_find_by_id_number_roles(page_as, target, role, status):
    response = page_as(role).post(FIND, {"id_number": TARGET_ID.lower()})
    assert response.status_code == status
    if role == "office":
        assert response["Location"] == f"/members/{target.pk}/"
    elif role == "anonymous":
        assert "/login" in response["Location"] or "/accounts/login" in response["Location"]


def test_find_by_id_number_is_post_only(page_as, target):
    assert page_as("office").get(FIND, {"id_number": TARGET_ID}).status_code == 405


@pytest.mark.parametrize(
    "number, message", [(make_id(999), "没有登记该身份证号码的委员。"), (TARGET_ID[:-1] + "1", "身份证号码校验位错误")]
)
def test_find_by_id_number_misses_do_not_echo_the_number(page_as, target, number, message):
    response = page_as("office").post(FIND, {"id_number": number}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/members/"
    assert message in html
    assert number not in html


def test_list_page_offers_the_lookup_to_the_office_only(page_as, target):
    assert 'action="/members/find/"' in page_as("office").get("/members/").content.decode()
    assert 'action="/members/find/"' not in page_as("leader").get("/members/").content.decode()
