"""What each role sees of the registry: which records (scoping) and which fields (masking).

Scoping: member and unit accounts see serving (active) members plus their own record; office and
leaders see everyone. Masking: office sees everything; leaders see the ID number and phone masked;
a member sees their own record with the ID number masked; everyone else sees public fields only.
Whoever sees the ID number masked sees the birth year only (the date would restore the number);
tests/security/test_masking.py checks every answer for that.
"""

import datetime as dt

import pytest
from django.urls import reverse

from members import roster, selectors
from members.models import Member
from members.roster import HEADERS

from .conftest import (
    TARGET_ID,
    TARGET_ID_MASKED,
    TARGET_PHONE,
    TARGET_PHONE_MASKED,
    read_xlsx,
)

PRIVATE = ("id_number", "phone", "birth_date", "note")


def _names(response):
    return [m["name"] for m in response.json()["results"]]


# ---------------------------------------------------------------------------------------------
# Scoping
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "role, expected",
    [
        ("member", 404),
        ("other_member", 404),
        ("unit", 404),
        ("office", 200),
        ("leader", 200),
    ],
)
def test_resigned_member_by_id_in_api(api_as, resigned, role, expected):
    response = api_as(role).get(f"/api/v1/members/{resigned.pk}/")
    assert response.status_code == expected
    if expected == 404:
        body = response.json()
        assert body["errors"] == {}
        assert isinstance(body["message"], str) and body["message"]
        assert "赵前任" not in response.content.decode()
    else:
        assert response.json()["name"] == "赵前任"


@pytest.mark.parametrize(
    "role, expected",
    [
        ("member", 404),
        ("other_member", 404),
        ("unit", 404),
        ("office", 200),
        ("leader", 200),
    ],
)
def test_resigned_member_detail_page(page_as, resigned, role, expected):
    response = page_as(role).get(reverse("members:detail", args=[resigned.pk]))
    assert response.status_code == expected


@pytest.mark.parametrize(
    "role, expected",
    [
        ("member", ["王五", "张明"]),
        ("unit", ["王五", "张明"]),
        ("office", ["王五", "张明", "赵前任"]),
        ("leader", ["王五", "张明", "赵前任"]),
    ],
)
def test_list_hides_former_members_from_member_and_unit(api_as, users, target, resigned, role, expected):
    users["member"]  # 张明, an active member with an account
    response = api_as(role).get("/api/v1/members/")
    assert sorted(_names(response)) == sorted(expected)
    assert response.json()["count"] == len(expected)


@pytest.mark.parametrize("role", ["member", "unit"])
def test_status_filter_does_not_widen_the_scope(api_as, resigned, role):
    response = api_as(role).get("/api/v1/members/", {"status": "resigned"})
    assert response.status_code == 200
    assert _names(response) == []


@pytest.mark.parametrize("role", ["member", "unit"])
def test_list_page_hides_former_members(page_as, resigned, target, role):
    html = page_as(role).get(reverse("members:list")).content.decode()
    assert "王五" in html
    assert "赵前任" not in html


def test_member_always_sees_own_record_even_when_resigned(api_as, page_as, users):
    me = Member.objects.get(user=users["member"])
    me.status = Member.Status.RESIGNED
    me.save()

    api = api_as("member")
    assert api.get(f"/api/v1/members/{me.pk}/").status_code == 200
    assert "张明" in _names(api.get("/api/v1/members/"))
    assert page_as("member").get(reverse("members:detail", args=[me.pk])).status_code == 200
    # ... but not someone else's resigned record
    other = Member.objects.get(user=users["other_member"])
    other.status = Member.Status.REMOVED
    other.save()
    assert api_as("member").get(f"/api/v1/members/{other.pk}/").status_code == 404


@pytest.mark.parametrize("pk", ["999999", "abc"])
def test_unknown_member_id_is_404_json(api_as, ref, pk):
    response = api_as("office").get(f"/api/v1/members/{pk}/")
    assert response.status_code == 404
    body = response.json()
    assert set(body) == {"message", "errors"}
    assert body["errors"] == {}
    assert body["message"]


def test_unknown_member_id_cannot_be_updated(api_as, ref):
    response = api_as("office").patch("/api/v1/members/999999/", {"title": "x"}, format="json")
    assert response.status_code == 404
    assert response.json()["errors"] == {}


# ---------------------------------------------------------------------------------------------
# Masking — API
# ---------------------------------------------------------------------------------------------
MASKING = [
    # role,          id_number,        phone,               birth_date,   note
    ("office",       TARGET_ID,        TARGET_PHONE,        "1949-12-31", "身体原因请假"),
    ("leader",       TARGET_ID_MASKED, TARGET_PHONE_MASKED, None,         "身体原因请假"),
    ("member",       None,             None,                None,         None),
    ("unit",         None,             None,                None,         None),
]  # fmt: skip


@pytest.mark.parametrize("role, id_number, phone, birth_date, note", MASKING)
@pytest.mark.parametrize("view", ["detail", "list"])
def test_api_masks_private_fields_by_role(api_as, target, view, role, id_number, phone, birth_date, note):
    client = api_as(role)
    if view == "detail":
        data = client.get(f"/api/v1/members/{target.pk}/").json()
    else:
        data = next(m for m in client.get("/api/v1/members/").json()["results"] if m["id"] == target.pk)
    assert (data["id_number"], data["phone"], data["birth_date"], data["note"]) == (id_number, phone, birth_date, note)
    # Public fields are there for everyone.
    assert (data["name"], data["sector_name"], data["employer"]) == ("王五", "经济界", "区人民医院")


def test_api_leader_mask_format(api_as, target):
    data = api_as("leader").get(f"/api/v1/members/{target.pk}/").json()
    assert data["id_number"] == TARGET_ID[:6] + "*" * 8 + TARGET_ID[-4:]
    assert data["phone"] == TARGET_PHONE[:3] + "****" + TARGET_PHONE[-4:]


@pytest.fixture
def own_record(users):
    me = Member.objects.get(user=users["member"])
    me.id_number, me.phone, me.birth_date, me.note = TARGET_ID, TARGET_PHONE, dt.date(1949, 12, 31), "本人备注"
    me.save()
    return me


def test_api_member_sees_own_record_with_masked_id_and_full_phone(api_as, own_record):
    data = api_as("member").get(f"/api/v1/members/{own_record.pk}/").json()
    assert data["id_number"] == TARGET_ID_MASKED
    assert data["phone"] == TARGET_PHONE
    assert (data["birth_date"], data["birth_year"]) == (None, 1949)  # the year only, as for a leader
    assert data["note"] == "本人备注"
    listed = next(m for m in api_as("member").get("/api/v1/members/").json()["results"] if m["id"] == own_record.pk)
    assert (listed["id_number"], listed["phone"]) == (TARGET_ID_MASKED, TARGET_PHONE)


def test_api_other_member_sees_nothing_private_of_a_members_record(api_as, own_record):
    data = api_as("other_member").get(f"/api/v1/members/{own_record.pk}/").json()
    assert [data[f] for f in PRIVATE] == [None, None, None, None]
    assert TARGET_ID[6:14] not in api_as("other_member").get("/api/v1/members/").content.decode()


# ---------------------------------------------------------------------------------------------
# Masking — detail page
# ---------------------------------------------------------------------------------------------
ALL_PRIVATE_TEXT = [TARGET_ID, TARGET_ID_MASKED, TARGET_PHONE, TARGET_PHONE_MASKED, "身体原因请假", "1949年12月31日"]


@pytest.mark.parametrize(
    "role, present, absent",
    [
        ("office", [TARGET_ID, TARGET_PHONE, "身体原因请假", "1949年12月31日"], []),
        ("leader", [TARGET_ID_MASKED, TARGET_PHONE_MASKED, "1949年"], [TARGET_ID, TARGET_PHONE, "1949年12月31日"]),
        ("member", [], ALL_PRIVATE_TEXT),
        ("unit", [], ALL_PRIVATE_TEXT),
    ],
)
def test_detail_page_masks_private_fields_by_role(page_as, target, role, present, absent):
    response = page_as(role).get(reverse("members:detail", args=[target.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "王五" in html and "区人民医院" in html
    for text in present:
        assert text in html
    for text in absent:
        assert text not in html
    if role != "office":
        # Not even with a different case or in an attribute: the full number is nowhere in the body.
        assert TARGET_ID.lower() not in html.lower()


def test_detail_page_own_record_masked_id_full_phone(page_as, own_record):
    html = page_as("member").get(reverse("members:detail", args=[own_record.pk])).content.decode()
    assert TARGET_ID_MASKED in html
    assert TARGET_PHONE in html
    assert TARGET_ID not in html


@pytest.mark.parametrize("role", ["member", "unit", "leader"])
def test_list_page_never_shows_id_numbers(page_as, target, role):
    html = page_as(role).get(reverse("members:list")).content.decode()
    assert "王五" in html
    assert TARGET_ID not in html and TARGET_PHONE not in html


# ---------------------------------------------------------------------------------------------
# Masking — Excel export. The export page is the office's; the roster writer applies the same
# policy to anyone, which is what keeps a future export for other roles safe.
# ---------------------------------------------------------------------------------------------
def _export_row(user, name):
    out = roster.export_to_file(user=user, members=selectors.member_list(user=user))
    rows = read_xlsx(out.read())
    assert rows[0] == HEADERS
    matching = [dict(zip(HEADERS, r, strict=True)) for r in rows[1:] if r[0] == name]
    assert len(matching) == 1
    return matching[0]


@pytest.mark.parametrize(
    "role, id_number, phone, birth_date, note",
    [
        ("office", TARGET_ID, TARGET_PHONE, "1949-12-31", "身体原因请假"),
        ("leader", TARGET_ID_MASKED, TARGET_PHONE_MASKED, "1949年", "身体原因请假"),
        ("member", "", "", "", ""),
        ("unit", "", "", "", ""),
    ],
)
def test_export_masks_private_columns_by_role(users, target, role, id_number, phone, birth_date, note):
    row = _export_row(users[role], "王五")
    assert (row["身份证号码"], row["手机号码"], row["出生日期"], row["备注"]) == (id_number, phone, birth_date, note)
    assert row["工作单位"] == "区人民医院"


def test_export_own_record_masked_id_full_phone(users, own_record):
    row = _export_row(users["member"], "张明")
    assert (row["身份证号码"], row["手机号码"], row["出生日期"]) == (TARGET_ID_MASKED, TARGET_PHONE, "1949年")


def test_export_page_gives_office_full_columns(page_as, target):
    from .conftest import response_bytes

    response = page_as("office").get(reverse("members:export"))
    rows = read_xlsx(response_bytes(response))
    row = dict(zip(HEADERS, next(r for r in rows if r[0] == "王五"), strict=True))
    assert (row["身份证号码"], row["手机号码"], row["备注"]) == (TARGET_ID, TARGET_PHONE, "身体原因请假")
