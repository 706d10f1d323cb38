"""The proposer's contact phone is personal data: encrypted in the database, plain in the app."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from cppcc import crypto
from proposals.models import Proposal


def raw_phone(pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM proposals_proposal WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_contact_phone_is_stored_encrypted_and_read_back_plain(draft):
    proposal = draft(contact_name="李建国", contact_phone="13912345678")
    stored = raw_phone(proposal.pk)
    assert "13912345678" not in stored and crypto.is_token(stored)
    assert Proposal.objects.get(pk=proposal.pk).contact_phone == "13912345678"


def test_an_empty_contact_phone_stays_empty(draft):
    proposal = draft(contact_name="李建国", contact_phone="")  # named contact: no number filled in
    assert raw_phone(proposal.pk) == ""
    assert Proposal.objects.get(pk=proposal.pk).contact_phone == ""


def test_the_api_detail_shows_the_plain_number_to_the_proposer(draft, api_as):
    proposal = draft(contact_phone="13912345678")
    body = api_as("proposer").get(f"/api/v1/proposals/{proposal.pk}/").json()
    assert body["contact_phone"] == "13912345678"


@pytest.fixture
def old_key(settings):
    """Set before the people and their proposal are made, so every row is under this key."""
    key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [key]
    return key


def test_key_rotation_reencrypts_the_contact_phone(old_key, settings, draft):
    new_key = Fernet.generate_key().decode()
    proposal = draft(contact_name="李建国", contact_phone="13912345678")
    old_token = raw_phone(proposal.pk)
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("reencrypt_personal_data")
    assert raw_phone(proposal.pk) != old_token
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key retired: still readable
    assert Proposal.objects.get(pk=proposal.pk).contact_phone == "13912345678"
