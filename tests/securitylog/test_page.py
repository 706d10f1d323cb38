"""The auditor's page: who sees it, the filters, the export (itself recorded), the query count."""

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cppcc.roles import Role
from securitylog.models import SecurityEvent

Action = SecurityEvent.Action
Outcome = SecurityEvent.Outcome
URL = reverse("securitylog:events")
EXPORT = reverse("securitylog:export")

# role × page → expected status (None = anonymous: sent to the login page)
ROLE_TABLE = [
    (None, 302),
    (Role.MEMBER, 403),
    (Role.OFFICE, 403),
    (Role.UNIT, 403),
    (Role.LEADER, 403),
    (Role.ADMIN, 403),
    (Role.AUDITOR, 200),
    (getattr(Role, "SECURITY", None) or "security", 200 if hasattr(Role, "SECURITY") else 403),
]


@pytest.mark.parametrize("url", [URL, EXPORT])
@pytest.mark.parametrize(("role", "expected"), ROLE_TABLE)
def test_only_auditor_and_security_admin_see_the_log(client_for, make_user, role, expected, url):
    user = make_user(role, username=f"u_{role}") if role else None
    response = client_for(user).get(url)
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))


def _event(**fields):
    values = {"action": Action.LOGIN, "outcome": Outcome.SUCCESS, **fields}
    return SecurityEvent.objects.create(**values)


@pytest.fixture
def auditor_client(client_for, auditor_user):
    return client_for(auditor_user)


@pytest.fixture
def sample(db):
    now = timezone.now()
    return {
        "old_fail": _event(
            actor_username="zhangsan",
            action=Action.LOGIN_FAILED,
            outcome=Outcome.FAILURE,
            ip="10.0.0.5",
            at=now - dt.timedelta(days=10),
        ),
        "export": _event(actor_username="office1", action=Action.EXPORT, ip="10.0.1.9", at=now - dt.timedelta(days=2)),
        "decision": _event(
            actor_username="office1",
            action=Action.DECISION,
            object_type="proposals.proposal",
            object_id="42",
            object_repr="关于加快城中村改造的建议",
            ip="192.168.3.4",
            at=now,
        ),
        "denied": _event(actor_username="lisi", action=Action.DENIED, outcome=Outcome.DENIED, status_code=403, at=now),
    }


def _shown(response, sample):
    return {key for key, event in sample.items() if event in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"old_fail", "export", "decision", "denied"}),
        ({"actor": "OFFICE"}, {"export", "decision"}),
        ({"action": "login_failed"}, {"old_fail"}),
        ({"outcome": "denied"}, {"denied"}),
        ({"object_type": "proposals.proposal", "object_id": "42"}, {"decision"}),
        ({"object_id": "43"}, set()),
        ({"ip": "10.0."}, {"old_fail", "export"}),
        ({"ip": "192.168.3.4"}, {"decision"}),
        ({"date_from": "DAYS_AGO_3"}, {"export", "decision", "denied"}),
        ({"date_to": "DAYS_AGO_3"}, {"old_fail"}),
    ],
)
def test_filters(auditor_client, sample, query, expected):
    days_ago_3 = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    query = {key: days_ago_3 if value == "DAYS_AGO_3" else value for key, value in query.items()}
    response = auditor_client.get(URL, query)
    assert response.status_code == 200
    assert _shown(response, sample) == expected


def test_page_shows_chinese_labels_and_links_to_the_change_log(auditor_client, sample):
    html = auditor_client.get(URL).content.decode()
    assert "安全审计日志" in html and "登录失败" in html and "提案" in html
    assert f'href="{reverse("audit_log")}"' in html


def test_change_log_links_to_the_security_log_for_the_auditor_only(client_for, auditor_user, office_user):
    assert URL in client_for(auditor_user).get(reverse("audit_log")).content.decode()
    assert URL not in client_for(office_user).get(reverse("audit_log")).content.decode()


def test_export_contains_the_filtered_events_and_is_itself_recorded(auditor_client, auditor_user, sample):
    response = auditor_client.get(EXPORT, {"actor": "office1"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("时间", "操作人", "操作人ID", "事件")
    assert sorted(row[3] for row in rows[1:]) == sorted(["办理决定", "导出/下载"])
    export = SecurityEvent.objects.filter(action=Action.EXPORT, actor_id=auditor_user.pk).get()
    assert export.path == EXPORT and export.detail["filename"].startswith("security-events-")


def test_pagination_and_bounded_queries(auditor_client, db, django_assert_max_num_queries):
    SecurityEvent.objects.bulk_create([SecurityEvent(action=Action.LOGIN, actor_username=f"u{i}") for i in range(120)])
    with django_assert_max_num_queries(12):
        response = auditor_client.get(URL, {"page": 3})
    assert response.status_code == 200
    total = SecurityEvent.objects.count()  # the 120, plus the auditor's own role grant and login
    assert response.context["page"].paginator.count == total > 120
    assert len(response.context["page"].object_list) == total - 100


@pytest.mark.skipif(not hasattr(Role, "SECURITY"), reason="no security administrator role")
def test_security_admin_sees_the_events_but_not_the_change_log_link(client_for, make_user, sample):
    response = client_for(make_user(Role.SECURITY, username="sec1")).get(URL)
    assert response.status_code == 200
    assert f'href="{reverse("audit_log")}"' not in response.content.decode()


@pytest.mark.parametrize("query", [{"action": "no-such-action"}, {"date_from": "2026-13-45"}])
def test_a_malformed_filter_matches_nothing_and_says_why(auditor_client, sample, query):
    response = auditor_client.get(URL, query)
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert response.context["filter"].errors
    rows = list(load_workbook(BytesIO(auditor_client.get(EXPORT, query).getvalue())).active.iter_rows(values_only=True))
    assert len(rows) == 1  # the header only
