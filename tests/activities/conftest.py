"""The members app's fixtures (one user per role, reference data) serve these tests as well."""

import pytest

from activities.catalogue import ensure_default_catalogue
from tests.members.conftest import ROLES, api_as, page_as, ref, users  # noqa: F401


@pytest.fixture
def catalogue(db):
    """The work report's quantity catalogue (a migration seeds it; a transactional test's flush removes it)."""
    return ensure_default_catalogue()
