"""The office's member pages: create and edit forms, and what the other roles are offered."""

import pytest
from django.urls import reverse

from members.models import Member

from .conftest import TARGET_ID, make_id


def form_data(ref, **overrides):
    data = {
        "name": "孙新", "gender": "M", "ethnicity": "汉族", "birth_date": "", "id_number": make_id(201),
        "phone": "13800000009", "sector": ref.economy.pk, "party": ref.cpc.pk, "group": "",
        "committees": [ref.committee.pk], "post": "", "employer": "区科技局", "title": "科长",
        "terms": [ref.term.pk], "status": "active", "note": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def member_form_data(member, **overrides):
    data = {
        "name": member.name, "gender": member.gender, "ethnicity": member.ethnicity,
        "birth_date": member.birth_date.isoformat() if member.birth_date else "",
        "id_number": member.id_number or "", "phone": member.phone, "sector": member.sector_id,
        "party": member.party_id, "group": member.group_id or "",
        "committees": list(member.committees.values_list("pk", flat=True)), "post": member.post,
        "employer": member.employer, "title": member.title,
        "terms": list(member.terms.values_list("pk", flat=True)), "status": member.status, "note": member.note,
    }  # fmt: skip
    data.update(overrides)
    return data


def test_create_page_saves_and_redirects_to_detail(page_as, ref):
    client = page_as("office")
    response = client.post(reverse("members:create"), form_data(ref))
    member = Member.objects.get(name="孙新")
    assert response.status_code == 302
    assert response["Location"] == reverse("members:detail", args=[member.pk])
    assert member.birth_date.isoformat() == "1980-05-06"  # left empty, taken from the ID number
    assert list(member.committees.all()) == [ref.committee]
    html = client.get(response["Location"]).content.decode()
    assert "已保存委员“孙新”的信息。" in html


def test_create_page_bad_checksum_shows_the_reason(page_as, ref):
    bad = TARGET_ID[:-1] + "1"
    response = page_as("office").post(reverse("members:create"), form_data(ref, id_number=bad))
    assert response.status_code == 200
    assert "身份证号码校验位错误" in response.content.decode()
    assert not Member.objects.exists()


@pytest.mark.parametrize("number", [TARGET_ID, TARGET_ID.lower()], ids=["same", "lower-case-x"])
def test_create_page_duplicate_id_is_a_form_error_not_500(page_as, ref, target, number):
    response = page_as("office").post(reverse("members:create"), form_data(ref, id_number=number))
    assert response.status_code == 200
    html = response.content.decode()
    assert "已存在" in html
    assert Member.objects.count() == 1


def test_create_page_missing_name_keeps_the_form(page_as, ref):
    response = page_as("office").post(reverse("members:create"), form_data(ref, name=""))
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not Member.objects.exists()


def test_edit_page_changes_the_member(page_as, target, ref):
    client = page_as("office")
    form = client.get(reverse("members:edit", args=[target.pk])).content.decode()
    assert TARGET_ID in form  # the office edits the real number

    response = client.post(reverse("members:edit", args=[target.pk]), member_form_data(target, title="院长"))
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.title == "院长"
    assert target.id_number == TARGET_ID
    assert "院长" in client.get(reverse("members:detail", args=[target.pk])).content.decode()


def test_edit_page_lower_case_x_is_normalised(page_as, ref):
    member = Member.objects.create(name="钱七", gender="M", sector=ref.economy, party=ref.cpc)
    page_as("office").post(
        reverse("members:edit", args=[member.pk]), member_form_data(member, id_number=TARGET_ID.lower())
    )
    member.refresh_from_db()
    assert member.id_number == TARGET_ID


@pytest.mark.parametrize("role, offered", [("office", True), ("leader", False), ("member", False), ("unit", False)])
def test_office_actions_are_offered_to_the_office_only(page_as, target, role, offered):
    client = page_as(role)
    detail = client.get(reverse("members:detail", args=[target.pk])).content.decode()
    listing = client.get(reverse("members:list")).content.decode()
    assert (reverse("members:edit", args=[target.pk]) in detail) is offered
    assert (reverse("members:import") in listing) is offered
    assert (reverse("members:export") in listing) is offered
    assert (reverse("members:create") in listing) is offered


def test_home_links_a_member_to_their_own_record(page_as, users):
    me = Member.objects.get(user=users["member"])
    html = page_as("member").get(reverse("home")).content.decode()
    assert reverse("members:detail", args=[me.pk]) in html
    assert "张明" in html


def test_live_filter_request_gets_the_results_only_and_export_follows(page_as, target, ref):
    response = page_as("office").get(
        reverse("members:list"), {"q": "王", "sector": ref.economy.pk}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html  # only the results fragment
    assert "王五" in html and "共 1 人" in html
    assert f"{reverse('members:export')}?q=%E7%8E%8B&amp;sector={ref.economy.pk}" in html
