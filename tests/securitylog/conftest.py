import pytest

from securitylog.models import SecurityEvent

# The proposal fixtures (people, a draft, the lifecycle walk) serve the decision and export tests here.
from tests.proposals.conftest import category, draft, people, term, walk  # noqa: F401


@pytest.fixture
def events(db):
    """The security events of one action, oldest first."""

    def of(action, **filters):
        return list(SecurityEvent.objects.filter(action=action, **filters).order_by("at", "id"))

    return of
