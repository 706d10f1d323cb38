"""The office's follow-ups on consultation outcomes: a department past its feedback deadline is on the
office's to-do list (催办逾期反馈, naming the late department) until it answers; and a topic's steps that
must wait say why."""

import datetime as dt

import pytest

from consultations import services
from consultations.models import OutcomeAssignment
from consultations.workflow import TOPIC
from cppcc.errors import Conflict
from cppcc.lifecycle import todo_items


def _chased(user):
    return [(i.label, i.due) for i in todo_items(user) if i.label.startswith("催办逾期反馈")]


def test_the_office_chases_a_late_department(people, topic_in):
    topic = topic_in("outcome_submitted", outcome="handling", units=("a", "b"))
    outcome = topic.outcome
    OutcomeAssignment.objects.filter(outcome=outcome, unit=people["units"]["a"]).update(due_date=dt.date(2020, 6, 1))
    late_unit = people["units"]["a"].name

    assert _chased(people["office"]) == [(f"催办逾期反馈（{late_unit}）", dt.date(2020, 6, 1))]
    assert _chased(people["leader"]) == _chased(people["unit_a"]) == []
    services.outcome_feedback(actor=people["unit_a"], outcome=outcome, adoption="adopted", content="已落实。")
    assert _chased(people["office"]) == []


def test_closing_a_topic_waits_for_the_outcome(people, topic_in):
    topic = topic_in("outcome_submitted", outcome="handling")
    reason = "协商成果尚未办理反馈完毕（当前：承办中），反馈完毕后可办结。"
    assert [(t.name, why) for t, why in TOPIC.blocked(people["office"], topic)] == [("close", reason)]
    with pytest.raises(Conflict, match=reason):
        services.topic_close(actor=people["office"], topic=topic)
