"""Fixtures for the members app: one user per role, reference data, roster workbooks."""

import datetime as dt
import io

import pytest
from auditlog.context import disable_auditlog
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from cppcc.roles import Role
from members import idcard
from members.models import Member, MemberGroup, Party, Sector, SpecialCommittee, Term
from members.roster import HEADERS
from tests.factories import MemberFactory

PASSWORD = "Test-pass-2026"  # the password tests/factories.py gives every user

# Every kind of caller the rules distinguish. "other_member" is a second member-role user with a
# record of their own, so "a member looking at someone else's record" is a row of the tables too.
ROLES = ["anonymous", "member", "other_member", "office", "unit", "leader", "admin", "auditor"]

# A well-known valid number (the example of GB 11643-1999) and its masked forms.
TARGET_ID = "11010519491231002X"
TARGET_ID_MASKED = "110105********002X"
TARGET_PHONE = "13912345678"
TARGET_PHONE_MASKED = "139****5678"


def make_id(order: int, birth: dt.date = dt.date(1980, 5, 6), area: str = "320106") -> str:
    return idcard.make(area, birth, order)


@pytest.fixture
def ref(db):
    """Reference data with fixed names (the roster refers to them by name). Created without audit
    entries, so the audit tests see only what the code under test logs."""

    class Ref:
        pass

    with disable_auditlog():
        Ref.economy = Sector.objects.create(name="经济界", order=1)
        Ref.education = Sector.objects.create(name="教育界", order=2)
        Ref.cpc = Party.objects.create(name="中共", order=1)
        Ref.dml = Party.objects.create(name="民盟", order=2)
        Ref.group = MemberGroup.objects.create(name="第一委员组")
        Ref.committee = SpecialCommittee.objects.create(name="提案委员会")
        Ref.committee2 = SpecialCommittee.objects.create(name="经济委员会")
        Ref.term = Term.objects.create(number=9, name="第九届", start_year=2022, end_year=2026, is_current=True)
    return Ref


@pytest.fixture
def users(request, make_user, ref):
    """role name -> user (None for anonymous). Built lazily: a test pays only for the roles it uses,
    and members created for a role do not appear in lists unless the test asks for that role."""
    built = {"anonymous": None}
    makers = {
        "member": lambda: request.getfixturevalue("member_user"),  # linked to the member 张明
        "other_member": lambda: _member_with_record(make_user, "m_other", "李华", ref),
        "office": lambda: make_user(Role.OFFICE, username="office1"),
        "unit": lambda: request.getfixturevalue("unit_user"),
        "leader": lambda: make_user(Role.LEADER, username="leader1"),
        "admin": lambda: make_user(Role.ADMIN, username="sysadmin1"),
        "auditor": lambda: make_user(Role.AUDITOR, username="auditor1"),
    }

    class Users:
        def __getitem__(self, role):
            if role not in built:
                built[role] = makers[role]()
            return built[role]

    return Users()


def _member_with_record(make_user, username, name, ref):
    user = make_user(Role.MEMBER, username=username)
    MemberFactory(user=user, name=name, sector=ref.economy, party=ref.cpc)
    return user


@pytest.fixture
def api_as(api_client, users):
    """An APIClient acting as the given role. Authentication is forced (the permission classes, the
    scoping and the masking all run as usual); session and token sign-in have tests of their own."""

    def act(role):
        api_client.force_authenticate(user=users[role])
        return api_client

    return act


@pytest.fixture
def page_as(client, users):
    """A Django test client signed in as the given role."""

    def login(role):
        client.logout()
        user = users[role]
        if user is not None:
            client.force_login(user)
        return client

    return login


@pytest.fixture
def target(ref):
    """An active member no test user is linked to, with every private field filled."""
    with disable_auditlog():
        return MemberFactory(
            name="王五",
            id_number=TARGET_ID,
            phone=TARGET_PHONE,
            birth_date=dt.date(1949, 12, 31),
            gender="F",
            note="身体原因请假",
            sector=ref.economy,
            party=ref.cpc,
        )


@pytest.fixture
def resigned(ref):
    with disable_auditlog():
        return MemberFactory(name="赵前任", status=Member.Status.RESIGNED, sector=ref.education, party=ref.dml)


def roster_row(**values) -> list:
    """One roster row in HEADERS order, from header -> value."""
    unknown = set(values) - set(HEADERS)
    assert not unknown, unknown
    return [values.get(h) for h in HEADERS]


def xlsx_upload(rows, headers=HEADERS, name="名册.xlsx") -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(
        name, buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def read_xlsx(content: bytes) -> list[list]:
    """All rows of the first sheet (header included), empty cells as ''."""
    ws = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)]


def response_bytes(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content
