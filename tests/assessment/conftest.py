"""The members app's fixtures (one user per role, reference data) serve these tests as well."""

from tests.members.conftest import ROLES, api_as, page_as, ref, users  # noqa: F401
