"""/notifications/settings/: each user's channel choices, saved, the number masked, bad input kept."""

import re

import pytest
from django.db import connection

from notifications.models import NotificationPreference


@pytest.fixture
def member(people):
    return people["proposer"]


def post(client, **overrides):
    data = {
        "handoff_email": "digest",
        "handoff_sms": "on",
        "reminder_email": "instant",
        "quiet_start": "21:30",
        "quiet_end": "08:00",
        "mobile": "139 1234 5678",
        **overrides,
    }
    return client.post("/notifications/settings/", {k: v for k, v in data.items() if v is not None}, follow=True)


def test_the_list_page_links_to_the_settings(client, member):
    client.force_login(member)
    page = client.get("/notifications/").content.decode()
    assert 'href="/notifications/settings/"' in page


def test_defaults_are_shown_before_anything_is_saved(client, member):
    client.force_login(member)
    page = client.get("/notifications/settings/").content.decode()
    assert re.search(r'name="reminder_email" value="instant"[^>]* checked>', page)
    assert re.search(r'name="handoff_email" value="off"[^>]* checked>', page)
    assert 'name="initial-' not in page
    assert 'value="22:00"' in page and 'value="07:30"' in page
    # The member's registered phone is what SMS would use, shown masked.
    phone = member.member.phone
    assert f"{phone[:3]}****{phone[-4:]}" in page and phone not in page
    assert not NotificationPreference.objects.filter(user=member).exists()


def test_saving_keeps_the_choices_and_masks_the_number(client, member):
    client.force_login(member)
    response = post(client)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/notifications/settings/"
    assert "通知设置已保存。" in page
    assert '<span data-testid="saved-mobile">139****5678</span>' in page
    assert "13912345678" not in page
    saved = NotificationPreference.objects.get(user=member)
    assert (saved.handoff_email, saved.handoff_sms, saved.reminder_email, saved.reminder_sms) == (
        "digest", True, "instant", False,
    )  # fmt: skip
    assert (saved.quiet_start.isoformat(), saved.quiet_end.isoformat()) == ("21:30:00", "08:00:00")
    assert saved.mobile == "13912345678"
    with connection.cursor() as cursor:  # encrypted at rest
        cursor.execute("SELECT mobile FROM notifications_notificationpreference WHERE id = %s", [saved.pk])
        assert "13912345678" not in cursor.fetchone()[0]

    # An empty number field keeps the saved number; 删除 removes it.
    post(client, mobile="", handoff_sms=None)
    saved.refresh_from_db()
    assert saved.mobile == "13912345678" and saved.handoff_sms is False
    post(client, mobile="", clear_mobile="on")
    saved.refresh_from_db()
    assert saved.mobile == ""


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("mobile", "12345", "请输入 11 位手机号码"),
        ("mobile", "2391234567a", "请输入 11 位手机号码"),
        ("quiet_start", "25:00", "输入一个有效的时间"),
        ("handoff_email", "sometimes", "选择一个有效的选项"),
    ],
)
def test_bad_input_is_kept_and_explained(client, member, field, value, message):
    client.force_login(member)
    response = post(client, **{field: value})
    page = response.content.decode()
    assert response.status_code == 200 and not response.redirect_chain
    assert message in page and "请按提示修改标红的字段" in page
    if field != "handoff_email":
        assert f'value="{value}"' in page  # what was typed is still there
    assert not NotificationPreference.objects.filter(user=member).exists()


def test_mobile_numbers_are_normalised(client, member):
    client.force_login(member)
    post(client, mobile="+86 139-1234-5678")
    assert NotificationPreference.objects.get(user=member).mobile == "13912345678"
