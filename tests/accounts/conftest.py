import pytest

from cppcc.roles import Role

PASSWORD = "Test-pass-2026"  # the factories' password


@pytest.fixture
def security_user(make_user):
    return make_user(Role.SECURITY, username="secadmin1")


@pytest.fixture
def people(make_user, security_user):
    """One account per role, keyed as the permission tables name them."""
    return {
        "member": make_user(Role.MEMBER, username="p_member"),
        "office": make_user(Role.OFFICE, username="p_office"),
        "unit": make_user(Role.UNIT, username="p_unit"),
        "leader": make_user(Role.LEADER, username="p_leader"),
        "admin": make_user(Role.ADMIN, username="p_admin"),
        "auditor": make_user(Role.AUDITOR, username="p_auditor"),
        "security": security_user,
        "norole": make_user(username="p_norole"),
    }
