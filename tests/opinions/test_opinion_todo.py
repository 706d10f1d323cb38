"""The to-do list and hand-off notices of a social-opinion report: the office is told when a member submits,
and the report moves from 编辑信息 to 编报报送 on the office's list as it goes."""

import pytest

from cppcc.lifecycle import todo_items
from notifications.models import Notification
from opinions import services

from .test_opinion_world import Cast


@pytest.fixture
def cast(db):
    return Cast()


def labels(user):
    return [item.label for item in todo_items(user)]


def test_a_report_reaches_the_office_and_moves_on_its_list(cast, eager, django_capture_on_commit_callbacks):
    report = cast.report("draft")
    assert labels(cast["author"]) == ["修改并提交信息"]
    with django_capture_on_commit_callbacks(execute=True):
        services.opinion_submit(actor=cast["author"], report=report)
    assert labels(cast["author"]) == []
    assert labels(cast["office"]) == ["编辑信息"]
    (notice,) = Notification.objects.filter(recipient=cast["office"])
    assert notice.title == f"待办：编辑信息——信息《{report.title}》" and notice.url == f"/opinions/{report.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        services.opinion_start_editing(actor=cast["office"], report=report)
    assert labels(cast["office"]) == ["编报报送"]
    # The office acted itself: no notice to it; nobody else is told either.
    assert Notification.objects.count() == 1
    for who in ("leader", "coauthor", "outsider", "unit_a", "admin"):
        assert labels(cast[who]) == [], who


def test_a_department_passed_the_report_is_told_and_answers_once(cast, eager, django_capture_on_commit_callbacks):
    report = cast.report("forwarded")
    with django_capture_on_commit_callbacks(execute=True):
        services.opinion_pass_to_units(actor=cast["office"], report=report, units=[cast.b], note="请研究")
    assert labels(cast["unit_b"]) == ["反馈处理情况"]
    (notice,) = Notification.objects.filter(recipient=cast["unit_b"])
    assert notice.title == f"待办：反馈处理情况——信息《{report.title}》"
    with django_capture_on_commit_callbacks(execute=True):
        services.opinion_unit_feedback(actor=cast["unit_b"], report=report, unit=cast.b, text="已组织专项排查。")
    assert labels(cast["unit_b"]) == []  # answered: no longer offered, nor waiting
    report.refresh_from_db()
    from opinions.workflow import OPINION

    assert "unit_feedback" not in OPINION.allowed(cast["unit_b"], report)
