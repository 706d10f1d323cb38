"""A proposal's contact phone (filled from the proposer's own mobile when no contact is named) follows
the registry's rule for a member's mobile (docs/roles.md): the office and the proposer themself see it
in full; co-signers (even on a draft), leaders and units see it masked, on every surface."""

import io

import docx
import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

PHONE = "13912345678"
MASKED = "139****5678"


@pytest.fixture
def phone_proposal(people, draft, walk):
    """Assigned (units a and b see it), with the contact phone copied from the proposer's record."""
    member = people["proposer"].member
    member.phone = PHONE
    member.save()
    proposal = draft()
    assert proposal.contact_phone == PHONE  # the copy this test is about
    return walk(proposal, "assigned")


@pytest.fixture
def phone_draft(people, draft):
    member = people["proposer"].member
    member.phone = PHONE
    member.save()
    return draft()


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _text(surface, user, proposal) -> str:
    """Everything `user` receives about the proposal on one surface, as text."""
    if surface == "api":
        api = APIClient()
        api.force_authenticate(user=user)
        response = api.get(f"/api/v1/proposals/{proposal.pk}/")
        assert response.status_code == 200
        return response.content.decode()
    from django.test import Client

    client = Client()
    client.force_login(user)
    url = {
        "page": reverse("proposals:detail", args=[proposal.pk]),
        "docx": reverse("proposals:print", args=[proposal.pk]),
        "xlsx": reverse("proposals:export"),
    }[surface]
    response = client.get(url)
    assert response.status_code == 200, (surface, response.status_code)
    if surface == "page":
        return response.content.decode()
    if surface == "docx":
        document = docx.Document(io.BytesIO(_body(response)))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    sheet = load_workbook(io.BytesIO(_body(response)), read_only=True).worksheets[0]
    return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)


# role × surface → what is shown: "full", "masked" or "none" (neither; the list export has no phone column).
CASES = [
    ("proposer", "page", "full"), ("proposer", "api", "full"), ("proposer", "docx", "full"),
    ("office", "page", "full"), ("office", "api", "full"), ("office", "docx", "full"), ("office", "xlsx", "none"),
    ("cosigner", "page", "masked"), ("cosigner", "api", "masked"), ("cosigner", "docx", "masked"),
    ("leader", "page", "masked"), ("leader", "api", "masked"), ("leader", "docx", "masked"),
    ("leader", "xlsx", "none"),
    ("unit_a", "page", "masked"), ("unit_a", "api", "masked"), ("unit_a", "docx", "masked"),
    ("unit_b", "page", "masked"), ("unit_b", "api", "masked"), ("unit_b", "docx", "masked"),
]  # fmt: skip


def _assert_shown(text, expected):
    if expected == "full":
        assert PHONE in text
    else:
        assert PHONE not in text
        assert PHONE[3:] not in text and PHONE[:7] not in text  # nor the hidden digits with their neighbours
        assert (MASKED in text) == (expected == "masked")


@pytest.mark.parametrize("role, surface, expected", CASES)
def test_contact_phone_by_role_and_surface(people, phone_proposal, role, surface, expected):
    _assert_shown(_text(surface, people[role], phone_proposal), expected)


@pytest.mark.parametrize(
    "role, surface, expected",
    [
        ("proposer", "page", "full"), ("proposer", "api", "full"),
        ("cosigner", "page", "masked"), ("cosigner", "api", "masked"), ("cosigner", "docx", "masked"),
    ],
)  # fmt: skip
def test_a_draft_shows_co_signers_the_phone_masked(people, phone_draft, role, surface, expected):
    _assert_shown(_text(surface, people[role], phone_draft), expected)
