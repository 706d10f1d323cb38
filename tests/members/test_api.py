"""Members API: writing members (ID validation, bad input), ordering, filters, token sign-in, queries."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import ApiToken
from accounts.tokens import token_lookup
from members.models import Member
from tests.factories import MemberFactory

from .conftest import PASSWORD, TARGET_ID, make_id

URL = "/api/v1/members/"


def _names(response):
    assert response.status_code == 200, response.content
    return [m["name"] for m in response.json()["results"]]


@pytest.fixture
def office_api(api_as):
    return api_as("office")


@pytest.fixture
def body(ref):
    """A minimal valid member, with the gender and birth date left to the ID number."""

    def make(**overrides):
        data = {"name": "孙新", "id_number": make_id(201), "sector": ref.economy.pk, "party": ref.cpc.pk}
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not ...}

    return make


# ---------------------------------------------------------------------------------------------
# Create / update and ID numbers
# ---------------------------------------------------------------------------------------------
def test_create_member_derives_gender_and_birth_date_from_id(office_api, body):
    male_id = make_id(201, birth=dt.date(1980, 5, 6))  # order 201: odd -> male
    response = office_api.post(URL, body(id_number=male_id), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["gender"], data["birth_date"], data["id_number"]) == ("M", "1980-05-06", male_id)
    member = Member.objects.get(pk=data["id"])
    assert (member.gender, member.birth_date) == ("M", dt.date(1980, 5, 6))
    assert member.name_pinyin == "sun xin"


def test_create_member_female_from_id(office_api, body):
    female_id = make_id(202, birth=dt.date(1990, 2, 28))
    data = office_api.post(URL, body(id_number=female_id), format="json").json()
    assert (data["gender"], data["birth_date"]) == ("F", "1990-02-28")


def test_explicit_gender_and_birth_date_are_kept(office_api, body):
    response = office_api.post(URL, body(gender="F", birth_date="1979-01-01"), format="json")
    assert response.status_code == 201
    assert (response.json()["gender"], response.json()["birth_date"]) == ("F", "1979-01-01")


def test_lower_case_x_is_stored_upper_case(office_api, body):
    response = office_api.post(URL, body(id_number=TARGET_ID.lower()), format="json")
    assert response.status_code == 201, response.content
    assert Member.objects.get(pk=response.json()["id"]).id_number == TARGET_ID


def test_bad_checksum_is_400_with_field_error(office_api, body):
    bad = TARGET_ID[:-1] + "1"
    response = office_api.post(URL, body(id_number=bad), format="json")
    assert response.status_code == 400
    data = response.json()
    assert data["errors"]["id_number"] == ["身份证号码校验位错误"]
    assert "身份证号码校验位错误" in data["message"]
    assert not Member.objects.exists()


@pytest.mark.parametrize("number", ["1101051949123100", "11010519491331002X", "A1010519491231002X"])
def test_malformed_id_numbers_are_400(office_api, body, number):
    response = office_api.post(URL, body(id_number=number), format="json")
    assert response.status_code == 400
    assert "id_number" in response.json()["errors"]


@pytest.mark.parametrize("number", [TARGET_ID, TARGET_ID.lower()], ids=["same", "lower-case-x"])
def test_duplicate_id_number_is_400_not_500(office_api, body, target, number):
    response = office_api.post(URL, body(id_number=number), format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["id_number"]
    assert Member.objects.count() == 1


def test_changing_id_to_another_members_is_400(office_api, target, ref):
    other = MemberFactory(name="钱七", sector=ref.economy, party=ref.cpc)
    response = office_api.patch(f"{URL}{other.pk}/", {"id_number": TARGET_ID.lower()}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["id_number"]
    other.refresh_from_db()
    assert other.id_number != TARGET_ID


def test_without_id_number_gender_is_required(office_api, body):
    response = office_api.post(URL, body(id_number=...), format="json")
    assert response.status_code == 400
    assert "gender" in response.json()["errors"]
    response = office_api.post(URL, body(id_number=..., gender="M"), format="json")
    assert response.status_code == 201
    assert response.json()["id_number"] == ""


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"name": ...}, "name"),
        ({"name": ""}, "name"),
        ({"sector": 999999}, "sector"),
        ({"party": ...}, "party"),
        ({"gender": "X"}, "gender"),
        ({"status": "retired"}, "status"),
        ({"committees": [999999]}, "committees"),
        ({"birth_date": "1980-13-01"}, "birth_date"),
    ],
)
def test_bad_input_is_400_with_field_errors(office_api, body, overrides, field):
    response = office_api.post(URL, body(**overrides), format="json")
    assert response.status_code == 400
    data = response.json()
    assert set(data) == {"message", "errors"}
    assert field in data["errors"]
    assert data["message"].startswith("提交的数据有误")
    assert not Member.objects.exists()


def test_put_replaces_and_patch_changes_one_field(office_api, target, ref):
    response = office_api.put(
        f"{URL}{target.pk}/",
        {"name": "王五", "gender": "F", "id_number": TARGET_ID, "sector": ref.education.pk, "party": ref.dml.pk,
         "committees": [ref.committee.pk, ref.committee2.pk], "terms": [ref.term.pk]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["sector_name"] == "教育界"
    target.refresh_from_db()
    assert set(target.committees.values_list("name", flat=True)) == {"提案委员会", "经济委员会"}
    assert list(target.terms.values_list("number", flat=True)) == [9]

    response = office_api.patch(f"{URL}{target.pk}/", {"title": "院长"}, format="json")
    assert response.status_code == 200
    target.refresh_from_db()
    assert (target.title, target.sector, target.id_number) == ("院长", ref.education, TARGET_ID)
    assert target.committees.count() == 2  # untouched by a PATCH that does not name them


def test_patch_name_refreshes_sort_keys(office_api, target, ref):
    MemberFactory(name="王一", sector=ref.economy, party=ref.cpc)
    office_api.patch(f"{URL}{target.pk}/", {"name": "李四"}, format="json")
    target.refresh_from_db()
    assert target.name_pinyin == "li si"
    assert _names(office_api.get(URL, {"order": "pinyin"})) == ["李四", "王一"]
    assert _names(office_api.get(URL)) == ["王一", "李四"]


def test_write_answer_is_masked_like_a_read(office_api, body):
    # The office gets the full record back after a write.
    data = office_api.post(URL, body(phone="13912345678", note="备注"), format="json").json()
    assert (data["phone"], data["note"]) == ("13912345678", "备注")


# ---------------------------------------------------------------------------------------------
# Ordering
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def named_members(ref):
    for name in ["张三", "安娜", "王五", "卜九", "李四"]:  # neither order: ids do not decide
        MemberFactory(name=name, sector=ref.economy, party=ref.cpc)


STROKE_ORDER = ["卜九", "王五", "安娜", "李四", "张三"]  # 卜2 王4 安6 李7 张7 (李 starts 横, 张 折)
PINYIN_ORDER = ["安娜", "卜九", "李四", "王五", "张三"]


@pytest.mark.parametrize("params, expected", [({}, STROKE_ORDER), ({"order": "stroke"}, STROKE_ORDER),
                                              ({"order": "pinyin"}, PINYIN_ORDER)])  # fmt: skip
@pytest.mark.parametrize("role", ["office", "member"])
def test_list_order(api_as, users, named_members, role, params, expected):
    names = _names(api_as(role).get(URL, params))
    names = [n for n in names if n != "张明"]  # the member's own record
    assert names == expected


def test_pinyin_order_and_search_use_the_surname_reading(office_api, ref):
    for name in ["曾国强", "陈红", "王伟"]:
        MemberFactory(name=name, sector=ref.economy, party=ref.cpc)
    assert _names(office_api.get(URL, {"q": "zeng"})) == ["曾国强"]
    assert _names(office_api.get(URL, {"order": "pinyin"})) == ["陈红", "王伟", "曾国强"]


def test_unknown_order_is_400(office_api, named_members):
    response = office_api.get(URL, {"order": "age"})
    assert response.status_code == 400
    assert "order" in response.json()["errors"]


def test_list_page_uses_the_same_orders(page_as, named_members):
    client = page_as("office")
    html = client.get(reverse("members:list")).content.decode()
    assert [html.index(n) for n in STROKE_ORDER] == sorted(html.index(n) for n in STROKE_ORDER)
    html = client.get(reverse("members:list"), {"order": "pinyin"}).content.decode()
    assert [html.index(n) for n in PINYIN_ORDER] == sorted(html.index(n) for n in PINYIN_ORDER)


# ---------------------------------------------------------------------------------------------
# Filters and search
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def registry(ref):
    MemberFactory(name="张三", employer="区人民医院", title="主任医师", sector=ref.economy, party=ref.cpc)
    MemberFactory(name="李四", employer="市第一中学", title="校长", sector=ref.education, party=ref.dml)
    MemberFactory(name="王五", employer="区财政局", title="局长", sector=ref.economy, party=ref.dml)


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"q": "张"}, ["张三"]),
        ({"q": "zhang"}, ["张三"]),
        ({"q": "ZHANG"}, ["张三"]),
        ({"q": "li si"}, ["李四"]),
        ({"q": "第一中学"}, ["李四"]),
        ({"q": "区"}, ["王五", "张三"]),
        ({"q": "局长"}, ["王五"]),
        ({"q": "nobody"}, []),
        ({"sector": "economy"}, ["王五", "张三"]),
        ({"party": "dml"}, ["王五", "李四"]),
        ({"sector": "economy", "party": "dml"}, ["王五"]),
        ({"q": "区", "party": "cpc"}, ["张三"]),
    ],
)
def test_search_and_filters(office_api, ref, registry, params, expected):
    params = {k: getattr(ref, v).pk if k in ("sector", "party") else v for k, v in params.items()}
    assert _names(office_api.get(URL, params)) == expected


def test_unknown_sector_filter_is_400(office_api, registry):
    response = office_api.get(URL, {"sector": 999999})
    assert response.status_code == 400
    assert "sector" in response.json()["errors"]


def test_list_page_search(page_as, registry):
    html = page_as("office").get(reverse("members:list"), {"q": "zhang"}).content.decode()
    assert "张三" in html and "李四" not in html and "王五" not in html
    assert "共 1 人" in html


# ---------------------------------------------------------------------------------------------
# Token sign-in
# ---------------------------------------------------------------------------------------------
def test_token_sign_in_and_use(api_client, users, target):
    office = users["office"]
    response = api_client.post("/api/v1/auth/token/", {"username": "office1", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    assert token_lookup(token).user == office

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api_client.get(URL)
    assert response.status_code == 200
    assert _names(response) == ["王五"]
    # The token carries the role: the office sees the full ID number.
    assert response.json()["results"][0]["id_number"] == TARGET_ID


def test_token_of_a_leader_gets_masked_data(api_client, users, target):
    users["leader"]
    token = api_client.post("/api/v1/auth/token/", {"username": "leader1", "password": PASSWORD}).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get(f"{URL}{target.pk}/").json()["id_number"] != TARGET_ID
    assert api_client.post(URL, {"name": "x"}, format="json").status_code == 403


def test_wrong_password_gets_no_token(api_client, users):
    office = users["office"]
    response = api_client.post("/api/v1/auth/token/", {"username": "office1", "password": "wrong-password"})
    assert response.status_code == 400
    assert "token" not in response.json()
    assert response.json()["errors"]
    assert not ApiToken.objects.filter(user=office).exists()


def test_session_sign_in_works_for_the_api(client, users, target):
    users["office"]
    response = client.post(reverse("login"), {"username": "office1", "password": PASSWORD})
    assert response.status_code == 302
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["results"][0]["name"] == "王五"


# ---------------------------------------------------------------------------------------------
# Query counts: bounded, whatever the number of rows
# ---------------------------------------------------------------------------------------------
API_LIST_QUERIES = 5  # roles, count, page of members, committees, terms
LIST_PAGE_QUERIES = 13  # session, user, roles, unread notifications, count, page, 2 prefetches, 5 filter lists


@pytest.fixture
def many_members(ref):
    def make(n):
        for _ in range(n):
            member = MemberFactory(sector=ref.economy, party=ref.cpc, group=ref.group)
            member.committees.add(ref.committee, ref.committee2)
            member.terms.add(ref.term)

    return make


@pytest.mark.parametrize("n", [5, 30])
def test_api_list_query_count_is_bounded(api_as, users, many_members, django_assert_max_num_queries, n):
    many_members(n)
    client = api_as("leader")
    with django_assert_max_num_queries(API_LIST_QUERIES):
        response = client.get(URL)
    assert response.json()["count"] == n
    assert all(len(m["committees"]) == 2 for m in response.json()["results"])


@pytest.mark.parametrize("n", [5, 30])
def test_list_page_query_count_is_bounded(page_as, many_members, django_assert_max_num_queries, n):
    many_members(n)
    client = page_as("office")
    with django_assert_max_num_queries(LIST_PAGE_QUERIES):
        response = client.get(reverse("members:list"))
    assert f"共 {n} 人" in response.content.decode()
