"""Each kind of security event is recorded by the real flow that causes it."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

import securitylog
from cppcc.roles import Role
from securitylog.apps import check_retention
from securitylog.models import SecurityEvent
from tests.factories import MemberFactory

Action = SecurityEvent.Action
Outcome = SecurityEvent.Outcome
PASSWORD = "Test-pass-2026"


# --- logins -------------------------------------------------------------------------------------


def test_failed_login_records_the_username_tried_never_the_password(client, make_user, events):
    make_user(Role.OFFICE, username="zhangsan")
    response = client.post(
        reverse("login"), {"username": "zhangsan", "password": "wrong-secret-1"}, REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 200  # the form again, with an error
    [event] = events(Action.LOGIN_FAILED)
    assert (event.actor_username, event.actor_id, event.outcome) == ("zhangsan", None, Outcome.FAILURE)
    assert (event.ip, event.method, event.path) == ("10.1.2.3", "POST", reverse("login"))
    assert "wrong-secret-1" not in str(SecurityEvent.objects.values_list())


def test_login_and_logout_are_recorded_with_actor_and_address(client, make_user, events):
    user = make_user(Role.OFFICE, username="lisi")
    response = client.post(reverse("login"), {"username": "lisi", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 302
    [login] = events(Action.LOGIN)
    assert (login.actor_id, login.actor_username, login.ip, login.detail) == (
        user.pk,
        "lisi",
        "10.9.9.9",
        {"via": "password"},
    )
    client.post(reverse("logout"))
    [logout] = events(Action.LOGOUT)
    assert logout.actor_id == user.pk
    assert not events(Action.PASSWORD_CHANGE)  # a login is not a password change


@override_settings(AXES_FAILURE_LIMIT=3)
def test_lockout_after_repeated_failures_is_recorded(client, make_user, events):
    make_user(Role.MEMBER, username="wangwu")
    for _ in range(3):
        client.post(reverse("login"), {"username": "wangwu", "password": "nope-nope-1"})
    [locked] = events(Action.LOCKED_OUT)
    assert (locked.actor_username, locked.outcome) == ("wangwu", Outcome.DENIED)
    assert len(events(Action.LOGIN_FAILED)) == 3


def test_token_endpoint_records_failed_and_successful_logins(db, make_user, events):
    user = make_user(Role.UNIT, username="unit_api")
    api = APIClient()
    assert api.post(reverse("api_token"), {"username": "unit_api", "password": "bad-bad-bad"}).status_code == 400
    [failed] = events(Action.LOGIN_FAILED)
    assert (failed.actor_username, failed.path) == ("unit_api", reverse("api_token"))
    response = api.post(reverse("api_token"), {"username": "unit_api", "password": PASSWORD})
    assert response.status_code == 200, response.content
    [login] = events(Action.LOGIN)
    # the token's first 8 characters name it (as on the owner's token page), never the whole key
    token = response.json()["token"]
    assert (login.actor_id, login.detail, login.path) == (
        user.pk,
        {"via": "token", "token": token[:8]},
        reverse("api_token"),
    )


# --- refusals -----------------------------------------------------------------------------------


def test_403_for_a_signed_in_user_is_recorded(client_for, make_user, events):
    member = make_user(Role.MEMBER, username="m1")
    assert client_for(member).get(reverse("audit_log")).status_code == 403
    [denied] = events(Action.DENIED)
    assert (denied.actor_id, denied.status_code, denied.outcome, denied.path) == (
        member.pk,
        403,
        Outcome.DENIED,
        reverse("audit_log"),
    )


def test_anonymous_api_call_and_bad_token_are_recorded(db, events):
    # 401 or 403 depending on which authentication class comes first in REST_FRAMEWORK; both are refusals.
    anonymous = APIClient().get("/api/v1/proposals/", REMOTE_ADDR="192.0.2.7")
    bad = APIClient().get("/api/v1/proposals/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert {anonymous.status_code, bad.status_code} <= {401, 403}
    recorded = events(Action.DENIED)
    assert [(e.actor_id, e.status_code) for e in recorded] == [(None, anonymous.status_code), (None, bad.status_code)]
    assert recorded[0].ip == "192.0.2.7"


def test_a_401_response_is_recorded(rf, db, events):
    from django.http import HttpResponse

    from securitylog.middleware import SecurityEventMiddleware

    request = rf.get("/api/v1/anything/")
    request.user = AnonymousUser()
    SecurityEventMiddleware(lambda r: HttpResponse(status=401))(request)
    assert [e.status_code for e in events(Action.DENIED)] == [401]


def test_csrf_failure_is_recorded(make_user, events):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.OFFICE, username="o_csrf"))
    assert client.post(reverse("logout")).status_code == 403
    assert [e.status_code for e in events(Action.DENIED)] == [403]


def test_404_to_a_signed_in_user_is_recorded_without_the_query_string(client_for, make_user, events):
    user = make_user(Role.MEMBER, username="m404")
    assert client_for(user).get("/api/v1/proposals/987654/?q=110105197503080011").status_code == 404
    [denied] = events(Action.DENIED)
    assert (denied.status_code, denied.path) == (404, "/api/v1/proposals/987654/")
    assert "110105" not in str(SecurityEvent.objects.values_list())


def test_404_to_anonymous_visitors_and_for_static_files_is_not_recorded(client_for, make_user, events):
    client = client_for(None)
    assert client.get("/no-such-page/").status_code == 404
    client = client_for(make_user(Role.OFFICE, username="o404"))
    assert client.get("/static/no-such-file.css").status_code == 404
    assert events(Action.DENIED) == []


def test_pages_that_answer_200_record_nothing(client_for, office_user):
    before = SecurityEvent.objects.exclude(action=Action.LOGIN).count()
    assert client_for(office_user).get(reverse("proposals:list")).status_code == 200
    assert SecurityEvent.objects.exclude(action=Action.LOGIN).count() == before


# --- decisions, exports, ID views -----------------------------------------------------------------


def test_a_proposal_action_through_the_api_is_recorded_as_a_decision(people, draft, events):
    proposal = draft()
    api = APIClient()
    api.force_authenticate(people["proposer"])
    assert api.post(f"/api/v1/proposals/{proposal.pk}/submit/", {}, format="json").status_code == 200
    submit = [e for e in events(Action.DECISION) if e.detail["event"] == "submit"]
    assert len(submit) == 1
    event = submit[0]
    assert (event.actor_id, event.actor_username) == (people["proposer"].pk, "proposer")
    assert (event.object_type, event.object_id) == ("proposals.proposal", str(proposal.pk))
    assert event.detail["to_state"] == "submitted"
    assert event.path == f"/api/v1/proposals/{proposal.pk}/submit/"


def test_every_lifecycle_step_is_one_decision(people, draft, walk, events):
    from proposals.models import ProposalEvent

    proposal = walk(draft(), "handling")
    recorded = events(Action.DECISION, object_type="proposals.proposal", object_id=str(proposal.pk))
    timeline = ProposalEvent.objects.filter(proposal=proposal).order_by("created_at", "id")
    assert [e.detail["event_id"] for e in recorded] == [e.pk for e in timeline]
    actors = {e.detail["event"]: e.actor_username for e in recorded}
    assert (actors["submit"], actors["file"]) == ("proposer", "office")


@pytest.mark.parametrize(
    "label", ["consultations.ConsultationEvent", "supervision.InspectionEvent", "opinions.OpinionEvent"]
)
def test_the_other_event_models_are_connected(label):
    from django.apps import apps
    from django.db.models.signals import post_save

    from securitylog.receivers import decision_saved

    sync_receivers, _ = post_save._live_receivers(apps.get_model(label))
    assert decision_saved in sync_receivers


def test_proposal_xlsx_export_is_recorded_with_its_filename(client_for, people, draft, events):
    draft()
    response = client_for(people["office"]).get(reverse("proposals:export"))
    assert response.status_code == 200
    [export] = events(Action.EXPORT)
    assert export.actor_username == "office"
    assert export.detail["filename"].endswith(".xlsx")
    assert export.object_repr == export.detail["filename"]


def test_office_viewing_a_member_page_with_the_full_id_is_recorded(client_for, office_user, events):
    member = MemberFactory(name="陈静")
    response = client_for(office_user).get(reverse("members:detail", args=[member.pk]))
    assert response.status_code == 200 and member.id_number in response.content.decode()
    [view] = events(Action.VIEW_ID)
    assert (view.actor_id, view.object_type, view.object_id, view.object_repr) == (
        office_user.pk,
        "members.member",
        str(member.pk),
        "陈静",
    )


def test_a_leader_sees_the_id_masked_and_nothing_is_recorded(client_for, leader_user, events):
    member = MemberFactory()
    assert client_for(leader_user).get(reverse("members:detail", args=[member.pk])).status_code == 200
    assert events(Action.VIEW_ID) == []


def test_the_member_api_list_records_one_view_per_full_id_shown(office_user, events, django_assert_max_num_queries):
    shown = MemberFactory.create_batch(3)
    api = APIClient()
    api.force_authenticate(office_user)
    response = api.get("/api/v1/members/")
    assert response.status_code == 200
    assert sorted(e.object_id for e in events(Action.VIEW_ID)) == sorted(str(m.pk) for m in shown)


# --- accounts ---------------------------------------------------------------------------------


def test_password_change_is_recorded(make_user, events):
    user = make_user(Role.MEMBER, username="pw_user")
    user.set_password("Another-pass-2027")
    user.save()
    [change] = events(Action.PASSWORD_CHANGE)
    assert (change.object_type, change.object_id) == ("auth.user", str(user.pk))


def test_role_changes_are_recorded_both_ways(make_user, events):
    user = make_user(username="role_user")
    office, _ = Group.objects.get_or_create(name=Role.OFFICE)
    user.groups.add(office)
    office.user_set.remove(user)
    changes = [e.detail for e in events(Action.ROLE_CHANGE, object_id=str(user.pk))]
    assert changes == [{"added": ["office"]}, {"removed": ["office"]}]


# --- the recorder itself ----------------------------------------------------------------------


def test_record_never_raises_and_leaves_the_callers_transaction_usable(db, monkeypatch, make_user):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(SecurityEvent, "save", broken)
    with transaction.atomic():
        assert securitylog.record(Action.EXPORT) is None
        make_user(username="still_works")  # the transaction is not poisoned


def test_retention_below_six_months_is_a_system_check_error(settings):
    settings.AUDIT_RETENTION_DAYS = 182
    assert [e.id for e in check_retention()] == ["securitylog.E001"]
    settings.AUDIT_RETENTION_DAYS = 183
    assert check_retention() == []


def test_purge_command_runs(db, capsys):
    call_command("purge_audit")
    assert "保存期限 183 天" in capsys.readouterr().out
    assert SecurityEvent.objects.filter(action=Action.PURGE).count() == 1


def test_the_member_edit_form_shows_the_full_id_and_is_recorded(client_for, office_user, events):
    member = MemberFactory()
    response = client_for(office_user).get(reverse("members:edit", args=[member.pk]))
    assert response.status_code == 200 and member.id_number in response.content.decode()
    assert [e.object_id for e in events(Action.VIEW_ID)] == [str(member.pk)]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('attachment; filename="proposals.xlsx"', "proposals.xlsx"),
        ("attachment; filename*=utf-8''%E6%8F%90%E6%A1%88%E6%B1%87%E6%80%BB.xlsx", "提案汇总.xlsx"),
        ('inline; filename="a.pdf"', None),
        ("", None),
    ],
)
def test_attachment_filename(header, expected):
    from securitylog.middleware import attachment_filename

    assert attachment_filename(header) == expected


def test_chinese_filename_from_file_response_is_recorded(client_for, people, draft, events):
    proposal = draft()
    response = client_for(people["proposer"]).get(reverse("proposals:print", args=[proposal.pk]))
    assert response.status_code == 200
    [export] = events(Action.EXPORT)
    assert export.detail["filename"].endswith(".docx") and export.object_repr == export.detail["filename"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in export.object_repr), export.object_repr


def test_refusals_answered_by_other_middleware_are_recorded_too(client_for, make_user, events):
    from accounts.services import require_password_change

    user = make_user(Role.OFFICE, username="must_change")
    require_password_change(user=user)
    response = client_for(user).get("/api/v1/proposals/")
    assert response.status_code == 403  # the accounts middleware stops the session before the view
    assert [(e.actor_id, e.status_code) for e in events(Action.DENIED)] == [(user.pk, 403)]


def test_password_change_through_the_page_is_recorded_with_the_actor(client, make_user, events):
    user = make_user(Role.OFFICE, username="pw_page")
    client.force_login(user)
    new = "Zx9!quiet-river-42"
    response = client.post(
        reverse("accounts:password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    [change] = events(Action.PASSWORD_CHANGE)
    assert (change.actor_id, change.object_id, change.path) == (
        user.pk,
        str(user.pk),
        reverse("accounts:password_change"),
    )


@pytest.mark.skipif(not hasattr(Role, "SECURITY"), reason="no security administrator role")
def test_role_change_through_the_security_admins_page_is_recorded(client_for, make_user, events):
    admin = make_user(Role.SECURITY, username="sec_admin")
    target = make_user(Role.MEMBER, username="target_user")
    response = client_for(admin).post(reverse("accounts:user_roles", args=[target.pk]), {"roles": [Role.LEADER]})
    assert response.status_code == 302
    changes = [(e.actor_username, e.detail) for e in events(Action.ROLE_CHANGE, object_id=str(target.pk))]
    assert ("sec_admin", {"removed": ["member"]}) in changes and ("sec_admin", {"added": ["leader"]}) in changes
