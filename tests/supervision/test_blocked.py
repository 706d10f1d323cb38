"""An inspection's steps that must wait say why (the engine's `blocked`), on the page, in the API and in the
service's refusal — the same words."""

import pytest

from cppcc.errors import Conflict
from supervision import services
from supervision.workflow import INSPECTION


def test_closing_waits_for_every_recommendation(people, make_inspection, recommendation_in, api_as, client):
    inspection = make_inspection("held")
    recommendation = recommendation_in(inspection, "sent")
    reason = "尚有 1 条建议未交办或未反馈，全部反馈后可办结。"

    assert "close" not in INSPECTION.allowed(people["office"], inspection)
    detail = api_as("office").get(f"/api/v1/inspections/{inspection.pk}/").json()
    assert detail["blocked_actions"] == [{"action": "close", "label": "办结", "reason": reason}]
    client.force_login(people["office"])
    assert f"暂不能办结：</strong>{reason}" in client.get(f"/supervision/{inspection.pk}/").content.decode()
    with pytest.raises(Conflict, match=reason):
        services.inspection_close(actor=people["office"], inspection=inspection)

    services.recommendation_respond(
        actor=people["unit_a"], recommendation=recommendation, adoption="adopted", text="已列入年度计划。"
    )
    detail = api_as("office").get(f"/api/v1/inspections/{inspection.pk}/").json()
    assert (detail["blocked_actions"], "close" in detail["allowed_actions"]) == ([], True)


def test_holding_waits_for_the_attendance(people, make_inspection):
    inspection = make_inspection("planned")
    inspection.activity.attendances.all().delete()
    reason = "请先登记出席的委员，再登记活动已开展。"
    assert [(t.name, why) for t, why in INSPECTION.blocked(people["office"], inspection)] == [("hold", reason)]
    with pytest.raises(Conflict, match=reason):
        services.inspection_hold(actor=people["office"], inspection=inspection)


def test_the_office_chases_overdue_answers(people, make_inspection, recommendation_in):
    """An answer past its deadline is on the office's list (催办逾期反馈) until the department answers."""
    import datetime as dt

    from cppcc.lifecycle import todo_items

    inspection = make_inspection("held")
    late = recommendation_in(inspection, "sent", due=dt.date(2020, 5, 1))
    recommendation_in(inspection, "sent", unit="b", text="完善河长制考核。", due=dt.date(2099, 1, 1))

    def chased(user):
        return [(i.label, i.pk, i.due) for i in todo_items(user) if i.label == "催办逾期反馈"]

    assert chased(people["office"]) == [("催办逾期反馈", late.pk, dt.date(2020, 5, 1))]
    assert chased(people["leader"]) == chased(people["unit_a"]) == []
    services.recommendation_respond(actor=people["unit_a"], recommendation=late, adoption="adopted", text="已办。")
    assert chased(people["office"]) == []
