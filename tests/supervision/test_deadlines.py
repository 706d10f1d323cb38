"""Recommendation deadlines join the reminder registry: the department is reminded before and after
its deadline, the office once it is overdue, and nothing once it has answered."""

import datetime as dt

from notifications import registry
from notifications.models import Notification, Reminder
from notifications.services import scan
from supervision import services

DUE = dt.date(2026, 12, 31)


def _titles(user):
    return list(
        Notification.objects.filter(recipient=user, reminder__kind="recommendation_response").values_list(
            "title", flat=True
        )
    )


def test_the_kind_is_registered():
    assert "recommendation_response" in {k.name for k in registry.kinds()}
    assert registry.label("recommendation_response") == "视察建议反馈期限"


def test_sent_recommendation_reminds_its_unit_at_each_stage_once(people, make_inspection, recommendation_in):
    r = recommendation_in(make_inspection("held"), "sent", unit="a", due=DUE)
    scan(today=dt.date(2026, 12, 1))
    assert _titles(people["unit_a"]) == []

    scan(today=dt.date(2026, 12, 16))
    scan(today=dt.date(2026, 12, 16))  # the same day again: nothing new
    titles = _titles(people["unit_a"])
    assert len(titles) == 1 and "15天后到期" in titles[0] and "建议1" in titles[0] and "区生态环境分局" in titles[0]
    assert _titles(people["unit_b"]) == []  # the other department hears nothing
    assert _titles(people["office"]) == []

    scan(today=dt.date(2027, 1, 2))  # overdue: the office is told as well
    assert len(_titles(people["unit_a"])) == 2
    assert len(_titles(people["office"])) == 1
    reminder = Reminder.objects.filter(kind="recommendation_response").latest("id")
    assert (reminder.object_id, reminder.deadline, reminder.stage) == (r.pk, DUE, "overdue-1")
    assert reminder.url == f"/supervision/recommendations/{r.pk}/"


def test_extension_moves_the_reminders(people, make_inspection, recommendation_in):
    r = recommendation_in(make_inspection("held"), "sent", due=DUE)
    services.recommendation_extend(actor=people["office"], recommendation=r, due_date=dt.date(2027, 2, 28))
    scan(today=dt.date(2027, 1, 2))
    assert _titles(people["unit_a"]) == []  # not overdue any more
    scan(today=dt.date(2027, 2, 13))
    assert len(_titles(people["unit_a"])) == 1


def test_answered_or_unsent_recommendations_remind_nobody(people, make_inspection, recommendation_in):
    inspection = make_inspection("held")
    recommendation_in(inspection, "responded", due=DUE)
    recommendation_in(inspection, "draft")
    result = scan(today=dt.date(2027, 1, 2))
    assert not [s for s in result.sent if s["kind"] == "recommendation_response"]
    assert not Reminder.objects.filter(kind="recommendation_response").exists()
