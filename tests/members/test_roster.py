"""The Excel roster: import (all rows or none), the template, the export."""

import datetime as dt
import html as html_lib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cppcc.errors import ApplicationError, PermissionDenied
from members import roster
from members.models import Member
from members.roster import HEADERS
from tests.factories import MemberFactory

from .conftest import make_id, read_xlsx, response_bytes, roster_row, xlsx_upload

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def good_row(n=1, **overrides):
    values = {
        "姓名": f"周{'一二三四五'[n - 1]}",
        "身份证号码": make_id(300 + n),
        "界别": "经济界",
        "党派": "中共",
        "委员组": "第一委员组",
        "专委会": "提案委员会、经济委员会",
        "常委": "是",
        "领导职务": "副主席",
        "工作单位": "区科技局",
        "职务": "局长",
        "任职届次": "第九届",
        "状态": "在任",
        "手机号码": "13800000001",
        "备注": "导入",
    }
    values.update(overrides)
    return roster_row(**values)


@pytest.fixture
def office(users):
    return users["office"]


def _import(office, rows, **kwargs):
    return roster.roster_import(actor=office, file=xlsx_upload(rows, **kwargs))


# ---------------------------------------------------------------------------------------------
# Import service
# ---------------------------------------------------------------------------------------------
def test_good_file_creates_members(office, ref):
    result = _import(office, [good_row(1), good_row(2, 姓名="吴二", 常委="否", 领导职务=None, 专委会=None)])
    assert (result.created, result.updated, result.errors) == (2, 0, [])
    zhou = Member.objects.get(name="周一")
    assert zhou.id_number == make_id(301)
    assert (zhou.gender, zhou.birth_date) == ("M", dt.date(1980, 5, 6))  # from the ID number
    assert (zhou.sector, zhou.party, zhou.group) == (ref.economy, ref.cpc, ref.group)
    assert set(zhou.committees.values_list("name", flat=True)) == {"提案委员会", "经济委员会"}
    assert list(zhou.terms.all()) == [ref.term]
    assert (zhou.is_standing, zhou.post, zhou.status) == (True, Member.Post.VICE_CHAIR, Member.Status.ACTIVE)
    assert (zhou.employer, zhou.title, zhou.phone, zhou.note) == ("区科技局", "局长", "13800000001", "导入")
    wu = Member.objects.get(name="吴二")
    assert (wu.is_standing, wu.post, wu.committees.count()) == (False, "", 0)
    assert wu.gender == "F"  # order 302 is even


def test_second_import_with_same_id_numbers_updates(office, ref):
    _import(office, [good_row(1), good_row(2)])
    first_pks = set(Member.objects.values_list("pk", flat=True))

    result = _import(office, [good_row(1, 职务="副局长", 界别="教育界"), good_row(2, 状态="辞去")])

    assert (result.created, result.updated) == (0, 2)
    assert set(Member.objects.values_list("pk", flat=True)) == first_pks
    zhou = Member.objects.get(name="周一")
    assert (zhou.title, zhou.sector) == ("副局长", ref.education)
    assert Member.objects.get(name="周二").status == Member.Status.RESIGNED


def test_import_matches_existing_members_by_normalised_id(office, ref):
    existing = MemberFactory(name="旧名", id_number="11010519491231002X", sector=ref.economy, party=ref.cpc)
    result = _import(office, [good_row(1, 姓名="新名", 身份证号码="11010519491231002x")])
    assert (result.created, result.updated) == (0, 1)
    existing.refresh_from_db()
    assert existing.name == "新名"


def test_bad_file_reports_every_bad_row_and_imports_nothing(office, ref):
    before = Member.objects.count()
    rows = [
        good_row(1),  # row 2: fine on its own
        good_row(2, 姓名=None),  # row 3
        good_row(3, 身份证号码=make_id(303)[:-1] + ("0" if make_id(303)[-1] != "0" else "1")),  # row 4
        good_row(4, 界别="不存在界"),  # row 5
        good_row(5, 身份证号码=make_id(301)),  # row 6: same number as row 2
    ]
    with pytest.raises(ApplicationError) as exc:
        _import(office, rows)

    errors = {e["row"]: e["reason"] for e in exc.value.errors["rows"]}
    assert sorted(errors) == [3, 4, 5, 6]
    assert "姓名为空" in errors[3]
    assert "身份证号码校验位错误" in errors[4]
    assert "界别“不存在界”不存在" in errors[5]
    assert "第 2 行重复" in errors[6]
    assert "4 行" in exc.value.message
    assert Member.objects.count() == before
    assert not Member.objects.filter(name="周一").exists()  # the good row is not imported either


def test_blank_rows_are_skipped_and_row_numbers_stay_true(office, ref):
    with pytest.raises(ApplicationError) as exc:
        _import(office, [good_row(1), [None] * len(HEADERS), good_row(2, 性别="男的", 出生日期="1980/13/40")])
    [error] = exc.value.errors["rows"]
    assert error["row"] == 4
    assert error["name"] == "周二"
    assert "性别“男的”无效" in error["reason"] and "出生日期“1980/13/40”无效" in error["reason"]
    assert not Member.objects.exists()


def test_row_failing_at_save_rolls_back_the_rows_before_it(office, ref):
    existing = MemberFactory(name="周一", id_number=make_id(301), title="原职务", sector=ref.economy, party=ref.cpc)
    rows = [good_row(1, 职务="新职务"), good_row(2), good_row(3, 姓名="长" * 60)]  # name > 50 characters
    with pytest.raises(ApplicationError) as exc:
        _import(office, rows)
    assert [e["row"] for e in exc.value.errors["rows"]] == [4]
    assert Member.objects.count() == 1
    existing.refresh_from_db()
    assert existing.title == "原职务"


def test_not_an_xlsx_file_is_a_clear_error(office, ref):
    upload = SimpleUploadedFile("名册.xlsx", "姓名,身份证号码\n张三,110105\n".encode(), content_type=XLSX)
    with pytest.raises(ApplicationError) as exc:
        roster.roster_import(actor=office, file=upload)
    assert "无法读取文件" in exc.value.message
    assert exc.value.status_code == 400


def test_missing_columns_are_named(office, ref):
    with pytest.raises(ApplicationError) as exc:
        _import(office, [["周一", "经济界"]], headers=["姓名", "界别"])
    assert "身份证号码" in exc.value.message and "党派" in exc.value.message
    assert not Member.objects.exists()


def test_real_excel_dates_are_read(office, ref):
    _import(office, [good_row(1, 出生日期=dt.datetime(1980, 5, 7), 性别="女")])
    member = Member.objects.get()
    assert (member.birth_date, member.gender) == (dt.date(1980, 5, 7), "F")  # given values win over the ID


def test_oversized_file_is_refused_before_reading(office, ref, settings):
    settings.ROSTER_IMPORT_MAX_BYTES = 1024
    upload = xlsx_upload([good_row(1)])
    assert upload.size > 1024
    with pytest.raises(ApplicationError, match="文件过大"):
        roster.roster_import(actor=office, file=upload)
    assert not Member.objects.exists()


def test_header_only_file_is_an_error(office, ref):
    with pytest.raises(ApplicationError, match="没有委员数据"):
        _import(office, [])


@pytest.mark.parametrize("role", ["leader", "member", "unit", "admin", "auditor"])
def test_only_office_may_import(users, ref, role):
    with pytest.raises(PermissionDenied):
        _import(users[role], [good_row(1)])
    assert not Member.objects.filter(name="周一").exists()


# ---------------------------------------------------------------------------------------------
# Import page
# ---------------------------------------------------------------------------------------------
def _error_rows(html):
    table = re.search(r'<table[^>]*data-testid="import-errors".*?</table>', html, re.S)
    assert table, "no import-errors table"
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", table.group(0), re.S)
    return [tuple(html_lib.unescape(c) for c in row) for row in rows]


def test_import_page_good_file(page_as, ref):
    client = page_as("office")
    response = client.post(reverse("members:import"), {"file": xlsx_upload([good_row(1), good_row(2)])})
    assert response.status_code == 302
    assert response["Location"] == reverse("members:list")
    assert set(Member.objects.values_list("name", flat=True)) == {"周一", "周二"}
    html = client.get(response["Location"]).content.decode()
    assert "导入成功：新增 2 位，更新 0 位委员。" in html


def test_import_page_shows_row_errors(page_as, ref):
    rows = [good_row(1), good_row(2, 姓名=None), good_row(3, 界别="不存在界"), good_row(4, 身份证号码=make_id(301))]
    response = page_as("office").post(reverse("members:import"), {"file": xlsx_upload(rows)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "整个文件未导入" in html
    errors = _error_rows(html)
    assert [e[0] for e in errors] == ["第 3 行", "第 4 行", "第 5 行"]
    assert errors[0][1] == "—" and "姓名为空" in errors[0][2]
    assert errors[1][1] == "周三" and "界别“不存在界”不存在" in errors[1][2]
    assert "第 2 行重复" in errors[2][2]
    assert not Member.objects.exists()


def test_import_page_rejects_a_non_xlsx_file_without_500(page_as, ref):
    upload = SimpleUploadedFile("名册.xlsx", b"this is not a workbook", content_type=XLSX)
    response = page_as("office").post(reverse("members:import"), {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "无法读取文件" in html
    assert 'data-testid="import-errors"' not in html
    assert not Member.objects.exists()


def test_import_page_without_a_file_asks_for_one(page_as, ref):
    # A browser always sends the CSRF field along, so the form is bound even without a file.
    response = page_as("office").post(reverse("members:import"), {"csrfmiddlewaretoken": "x"})
    assert response.status_code == 200
    assert "该字段是必填项" in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Template
# ---------------------------------------------------------------------------------------------
def test_template_download_has_the_headers(page_as, ref):
    response = page_as("office").get(reverse("members:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    rows = read_xlsx(response_bytes(response))
    assert rows[0] == HEADERS
    example = dict(zip(HEADERS, rows[1], strict=True))
    assert (example["界别"], example["党派"], example["任职届次"]) == ("经济界", "中共", "第九届")


def test_template_example_row_is_accepted_by_the_import(page_as, ref, users):
    content = response_bytes(page_as("office").get(reverse("members:import_template")))
    upload = SimpleUploadedFile("模板.xlsx", content, content_type=XLSX)
    result = roster.roster_import(actor=users["office"], file=upload)
    assert result.created == 1
    assert Member.objects.get().name == "张三"


# ---------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def registry(ref):
    MemberFactory(name="张三", employer="区人民医院", sector=ref.economy, party=ref.cpc)
    MemberFactory(name="李四", employer="市第一中学", sector=ref.education, party=ref.dml)
    MemberFactory(name="王五", employer="区财政局", sector=ref.economy, party=ref.dml, status=Member.Status.RESIGNED)
    MemberFactory(name="卜九", employer="区医保局", sector=ref.economy, party=ref.cpc)


@pytest.mark.parametrize(
    "params",
    [{}, {"sector": "economy"}, {"party": "dml"}, {"q": "区"}, {"status": "resigned"},
     {"sector": "economy", "order": "pinyin"}],
    ids=lambda p: ",".join(p) or "all",
)  # fmt: skip
def test_export_rows_equal_the_filtered_list(page_as, api_as, ref, registry, params):
    params = {k: getattr(ref, v).pk if k in ("sector", "party") else v for k, v in params.items()}
    response = page_as("office").get(reverse("members:export"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    rows = read_xlsx(response_bytes(response))
    assert rows[0] == HEADERS

    listed = [m["name"] for m in api_as("office").get("/api/v1/members/", params).json()["results"]]
    assert [r[0] for r in rows[1:]] == listed
    assert listed  # every case selects someone


def test_export_writes_every_column(page_as, ref):
    member = MemberFactory(
        name="周一", id_number=make_id(301), phone="13800000001", birth_date=dt.date(1980, 5, 6), gender="M",
        sector=ref.economy, party=ref.cpc, group=ref.group, is_standing=True, post=Member.Post.VICE_CHAIR,
        employer="区科技局", title="局长", note="备注",
    )  # fmt: skip
    member.committees.set([ref.committee])
    member.terms.set([ref.term])
    rows = read_xlsx(response_bytes(page_as("office").get(reverse("members:export"))))
    assert dict(zip(HEADERS, rows[1], strict=True)) == {
        "姓名": "周一", "性别": "男", "民族": "汉族", "出生日期": "1980-05-06", "身份证号码": make_id(301),
        "手机号码": "13800000001", "界别": "经济界", "党派": "中共", "委员组": "第一委员组", "专委会": "提案委员会",
        "常委": "是", "领导职务": "副主席", "工作单位": "区科技局", "职务": "局长", "任职届次": "第九届",
        "状态": "在任", "备注": "备注",
    }  # fmt: skip


def test_export_then_import_updates_everyone_and_changes_nothing(page_as, users, ref, registry):
    for member in Member.objects.all():
        member.committees.set([ref.committee, ref.committee2])
    before = list(Member.objects.order_by("pk").values("pk", "name", "id_number", "sector", "party", "status", "phone"))
    content = response_bytes(page_as("office").get(reverse("members:export")))

    result = roster.roster_import(actor=users["office"], file=SimpleUploadedFile("名册.xlsx", content))

    assert (result.created, result.updated) == (0, 4)
    after = list(Member.objects.order_by("pk").values("pk", "name", "id_number", "sector", "party", "status", "phone"))
    assert after == before
    assert all(m.committees.count() == 2 for m in Member.objects.all())


@pytest.mark.parametrize("n", [5, 30])
def test_export_query_count_is_bounded(page_as, ref, django_assert_max_num_queries, n):
    for _ in range(n):
        MemberFactory(sector=ref.economy, party=ref.cpc, group=ref.group).committees.add(ref.committee)
    client = page_as("office")
    # 9 for the file and its download row, 3 for the security log's ID views of all n members
    # (one insert in a savepoint): the same for 5 members or 30.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("members:export"))
        rows = read_xlsx(response_bytes(response))  # the file streams: queries run while it is read
    assert len(rows) == n + 1
