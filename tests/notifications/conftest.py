import datetime as dt

import pytest

from tests.proposals.conftest import category, draft, people, term, walk  # noqa: F401  (shared fixtures)


@pytest.fixture
def assigned(draft, walk, people):  # noqa: F811
    """A filed proposal assigned to unit a (lead) and unit b (co), with a known due date."""
    proposal = walk(draft(), "assigned")
    lead = proposal.assignments.get(unit=people["units"]["a"])
    lead.due_date = dt.date(2026, 12, 31)
    lead.max_due_date = dt.date(2027, 3, 31)
    lead.return_deadline = dt.date(2026, 12, 10)
    lead.save()
    proposal.assignments.filter(unit=people["units"]["b"]).update(return_deadline=dt.date(2026, 12, 10))
    return proposal


@pytest.fixture(autouse=True)
def _sms_outbox(settings, tmp_path):
    """SMS of these tests go to a file of their own (the development backend), never to var/."""
    settings.SMS_BACKEND = "notifications.sms.FileBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms" / "outbox.jsonl")
    settings.SMS_SIGN = "区政协"
    return tmp_path / "sms" / "outbox.jsonl"
