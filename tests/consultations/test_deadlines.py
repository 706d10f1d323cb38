"""Outcome assignments join the reminder registry: each department is reminded of its feedback
deadline, the office once it is overdue, the instructing leader once it is long overdue — and
nobody once the department has answered."""

import datetime as dt

from consultations import services
from consultations.models import OutcomeAssignment
from notifications import registry
from notifications.models import Notification, Reminder
from notifications.services import scan

DUE = dt.date(2026, 12, 31)
KIND = "consultation_outcome_feedback"


def _titles(user):
    return list(Notification.objects.filter(recipient=user, reminder__kind=KIND).values_list("title", flat=True))


def _assigned(topic_in, **kwargs):
    topic = topic_in("outcome_submitted", **kwargs)
    OutcomeAssignment.objects.filter(outcome=topic.outcome).update(due_date=DUE)
    return topic.outcome


def test_the_kind_is_registered():
    assert KIND in {k.name for k in registry.kinds()}
    assert registry.label(KIND) == "协商成果办理反馈期限"


def test_each_department_is_reminded_of_its_own_deadline(people, topic_in, settings):
    settings.REMINDER_ESCALATE_AFTER_DAYS = 30
    outcome = _assigned(topic_in, outcome="assigned", units=("a", "b"))
    scan(today=dt.date(2026, 12, 1))
    assert _titles(people["unit_a"]) == []

    scan(today=dt.date(2026, 12, 16))
    a_titles, b_titles = _titles(people["unit_a"]), _titles(people["unit_b"])
    assert len(a_titles) == 1 and "区商务局" in a_titles[0] and "15天后到期" in a_titles[0]
    assert len(b_titles) == 1 and "区住房和城乡建设局" in b_titles[0]
    assert _titles(people["office"]) == [] and _titles(people["leader"]) == []

    # unit a answers; only unit b's deadline is still watched
    services.outcome_accept(actor=people["unit_a"], outcome=outcome)
    services.outcome_feedback(actor=people["unit_a"], outcome=outcome, adoption="adopted", content="已落实。")
    scan(today=dt.date(2027, 1, 2))
    assert len(_titles(people["unit_a"])) == 1
    assert len(_titles(people["unit_b"])) == 2
    assert len(_titles(people["office"])) == 1  # overdue: escalated to the office
    assert _titles(people["leader"]) == []

    scan(today=dt.date(2027, 2, 5))  # long overdue: the leader who instructed the outcome is told
    assert len(_titles(people["leader"])) == 1
    reminder = Reminder.objects.filter(kind=KIND).latest("id")
    assert reminder.url == f"/consultations/outcomes/{outcome.pk}/"


def test_supervision_with_a_new_deadline_moves_the_reminders(people, topic_in):
    outcome = _assigned(topic_in, outcome="handling")
    services.outcome_supervise(
        actor=people["leader"], outcome=outcome, note="请务必按期反馈。", due_date=dt.date(2027, 3, 31)
    )
    scan(today=dt.date(2027, 1, 2))
    assert _titles(people["unit_a"]) == []
    scan(today=dt.date(2027, 3, 28))
    assert len(_titles(people["unit_a"])) == 1


def test_answered_outcomes_remind_nobody(people, topic_in):
    _assigned(topic_in, outcome="fed_back")
    topic_in("outcome_submitted", title="尚未交办", outcome="instructed")
    result = scan(today=dt.date(2027, 1, 2))
    assert not [s for s in result.sent if s["kind"] == KIND]
