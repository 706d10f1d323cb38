"""Every write to inspections and recommendations: role, scope and state checked, in a transaction,
recorded as an InspectionEvent. A wrong role or another unit's recommendation answers 403, a wrong
state 409, a bad value 400."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from activities import services as activity_services
from cppcc.audit import acting
from cppcc.errors import ApplicationError, Conflict
from cppcc.svc_checks import require_choice, require_office, require_text
from cppcc.svc_lifecycle import lifecycle_step
from cppcc.workdays import add_workdays

from .models import Adoption, Inspection, Kind, Organiser, Recommendation, State
from .workflow import INSPECTION, RECOMMENDATION

ACTIVITY_FIELDS = ("title", "start_date", "end_date", "place", "organiser_committee", "organiser_group", "description")
INSPECTION_FIELDS = ("kind", "topic", "organiser", "findings")


def response_workdays() -> int:
    """Working days a department has to answer a recommendation (setting, default 20 ≈ one month)."""
    return int(getattr(settings, "RECOMMENDATION_RESPONSE_WORKDAYS", 20))


# --- helpers -------------------------------------------------------------------------------------


def require_adoption(adoption: str) -> str:
    """采纳情况 of a department's feedback, here and on consultation outcomes: one of `Adoption`."""
    return require_choice(
        adoption, Adoption.values, "adoption", "请选择采纳情况：采纳、部分采纳或未采纳。", "请选择采纳情况。"
    )


def _event(inspection, actor, action, from_state="", to_state="", note="", recommendation=None, **data):
    """A timeline entry that is not a transition (registration, edits, attendance, a new recommendation)."""
    if recommendation is not None:
        return RECOMMENDATION.record(recommendation, actor=actor, action=action, from_state=from_state,
                                     to_state=to_state, note=note, data=data)  # fmt: skip
    return INSPECTION.record(inspection, actor=actor, action=action, from_state=from_state, to_state=to_state,
                             note=note, data=data)  # fmt: skip


def _lock_inspection(inspection) -> Inspection:
    return Inspection.objects.select_for_update(of=("self",)).select_related("activity").get(pk=inspection.pk)


def _lock_recommendation(recommendation) -> Recommendation:
    return (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("inspection", "inspection__activity", "unit")
        .get(pk=recommendation.pk)
    )


def _organiser_fields(data: dict, current=None) -> dict:
    """The organiser decides which of committee / group is named; the other is cleared."""
    organiser = data.get("organiser") or (current.organiser if current else Organiser.STANDING)
    committee = data.get("organiser_committee", current.activity.organiser_committee if current else None)
    group = data.get("organiser_group", current.activity.organiser_group if current else None)
    if organiser == Organiser.COMMITTEE and committee is None:
        raise ApplicationError("请选择组织的专门委员会。", errors={"organiser_committee": ["请选择专门委员会。"]})
    if organiser == Organiser.GROUP and group is None:
        raise ApplicationError("请选择组织的委员组。", errors={"organiser_group": ["请选择委员组。"]})
    return {
        "organiser_committee": committee if organiser == Organiser.COMMITTEE else None,
        "organiser_group": group if organiser == Organiser.GROUP else None,
    }


# --- inspections ---------------------------------------------------------------------------------


def inspection_create(*, actor, data: dict) -> Inspection:
    require_office(actor, "登记视察调研活动")
    if data.get("kind") not in Kind.values:
        raise ApplicationError("请选择类型：视察、调研或民主监督。", errors={"kind": ["请选择类型。"]})
    topic = require_text(data.get("topic"), "topic", "请填写主题。")
    require_text(data.get("title"), "title", "请填写活动名称。")
    with acting(actor), transaction.atomic():
        activity_data = {f: data.get(f) for f in ACTIVITY_FIELDS if f in data}
        activity_data.update(_organiser_fields(data), kind=data["kind"])
        activity_data.setdefault("place", "")
        activity_data.setdefault("description", "")
        activity = activity_services.activity_save(actor=actor, data=activity_data)
        inspection = Inspection.objects.create(
            activity=activity,
            kind=data["kind"],
            topic=topic,
            organiser=data.get("organiser") or Organiser.STANDING,
            findings=data.get("findings") or "",
            created_by=actor,
        )
        if data.get("units_briefed"):
            inspection.units_briefed.set(data["units_briefed"])
        _event(inspection, actor, "create", "", inspection.state, f"登记{inspection.get_kind_display()}活动")
        return inspection


def inspection_update(*, actor, inspection: Inspection, data: dict) -> Inspection:
    require_office(actor, "修改视察调研活动")
    with acting(actor), transaction.atomic():
        inspection = _lock_inspection(inspection)
        if inspection.state == State.CLOSED:
            raise Conflict("该活动已办结，不能修改。")
        if "kind" in data and data["kind"] not in Kind.values:
            raise ApplicationError("请选择类型：视察、调研或民主监督。", errors={"kind": ["请选择类型。"]})
        if "topic" in data:
            data["topic"] = require_text(data["topic"], "topic", "请填写主题。")
        activity_data = {f: data[f] for f in ACTIVITY_FIELDS if f in data}
        activity_data.update(_organiser_fields(data, inspection))
        if "kind" in data:
            activity_data["kind"] = data["kind"]
        activity_services.activity_save(actor=actor, activity=inspection.activity, data=activity_data)
        for field in INSPECTION_FIELDS:
            if field in data:
                setattr(inspection, field, data[field] if data[field] is not None else "")
        inspection.save()
        if "units_briefed" in data:
            inspection.units_briefed.set(data["units_briefed"])
        _event(inspection, actor, "update", inspection.state, inspection.state, "修改活动信息")
        return inspection


def inspection_attendance(*, actor, inspection: Inspection, entries: dict) -> int:
    """Record who took part (activities.Attendance); returns the number of rows written."""
    require_office(actor, "登记参加委员")
    with acting(actor), transaction.atomic():
        inspection = _lock_inspection(inspection)
        written = activity_services.attendance_record(actor=actor, activity=inspection.activity, entries=entries)
        _event(inspection, actor, "attendance", inspection.state, inspection.state, f"登记参加情况 {written} 人")
        return written


def inspection_hold(*, actor, inspection: Inspection, findings: str = "", note: str = "") -> Inspection:
    with lifecycle_step(INSPECTION, "hold", actor, inspection, _lock_inspection) as inspection:
        if findings.strip():
            inspection.findings = findings.strip()
        inspection.held_at = timezone.now()
        return INSPECTION.move(inspection, actor=actor, action="hold", to_state=State.HELD, note=note or "活动已开展")


def inspection_close(*, actor, inspection: Inspection, note: str = "") -> Inspection:
    with lifecycle_step(INSPECTION, "close", actor, inspection, _lock_inspection) as inspection:
        inspection.closed_at = timezone.now()
        return INSPECTION.move(
            inspection, actor=actor, action="close", to_state=State.CLOSED, note=note or "建议均已反馈，办结"
        )


# --- recommendations -----------------------------------------------------------------------------


def recommendation_add(*, actor, inspection: Inspection, text: str, unit=None) -> Recommendation:
    require_office(actor, "提出视察建议")
    text = require_text(text, "text", "请填写建议内容。")
    with acting(actor), transaction.atomic():
        # The inspection row is the lock that keeps the numbers 1, 2, 3 … without gaps or twins.
        inspection = _lock_inspection(inspection)
        if inspection.state != State.HELD:
            raise Conflict(f"活动当前状态为“{inspection.get_state_display()}”，只有已开展的活动可以提出建议。")
        last = inspection.recommendations.aggregate(n=Max("number"))["n"] or 0
        recommendation = Recommendation.objects.create(inspection=inspection, number=last + 1, text=text, unit=unit)
        _event(
            inspection, actor, "recommend", "", recommendation.state, f"建议{recommendation.number}：{text[:60]}",
            recommendation=recommendation,
        )  # fmt: skip
        return recommendation


def recommendation_update(*, actor, recommendation: Recommendation, data: dict) -> Recommendation:
    require_office(actor, "修改视察建议")
    with acting(actor), transaction.atomic():
        recommendation = _lock_recommendation(recommendation)
        if recommendation.state != Recommendation.State.DRAFT:
            raise Conflict(f"建议当前状态为“{recommendation.get_state_display()}”，交办后不能修改。")
        if "text" in data:
            recommendation.text = require_text(data["text"], "text", "请填写建议内容。")
        if "unit" in data:
            recommendation.unit = data["unit"]
        recommendation.save()
        _event(
            recommendation.inspection, actor, "update_recommendation", recommendation.state, recommendation.state,
            f"修改建议{recommendation.number}", recommendation=recommendation,
        )  # fmt: skip
        return recommendation


def _move(recommendation, actor, action, to_state, note, **data) -> Recommendation:
    return RECOMMENDATION.move(recommendation, actor=actor, action=action, to_state=to_state, note=note, data=data)


def recommendation_send(
    *, actor, recommendation: Recommendation, unit=None, due_date: dt.date | None = None, note: str = ""
) -> Recommendation:
    with lifecycle_step(RECOMMENDATION, "send", actor, recommendation, _lock_recommendation) as recommendation:
        unit = unit or recommendation.unit
        if unit is None:
            raise ApplicationError("请选择承办单位。", errors={"unit": ["请选择承办单位。"]})
        if not unit.is_active:
            raise ApplicationError("所选单位已停用。", errors={"unit": ["所选单位已停用。"]})
        today = timezone.localdate()
        due_date = due_date or add_workdays(today, response_workdays())
        if due_date < today:
            raise ApplicationError("反馈期限不能早于今天。", errors={"due_date": ["反馈期限不能早于今天。"]})
        recommendation.unit, recommendation.due_date = unit, due_date
        recommendation.sent_at, recommendation.sent_by = timezone.now(), actor
        return _move(
            recommendation, actor, "send", Recommendation.State.SENT,
            note or f"建议{recommendation.number}交{unit.name}办理，{due_date:%Y年%m月%d日}前反馈",
            unit=unit.pk, due_date=due_date.isoformat(),
        )  # fmt: skip


def recommendation_extend(*, actor, recommendation: Recommendation, due_date: dt.date, note: str = ""):
    with lifecycle_step(RECOMMENDATION, "extend", actor, recommendation, _lock_recommendation) as recommendation:
        if due_date <= recommendation.due_date:
            raise ApplicationError("新的期限应晚于原期限。", errors={"due_date": ["新的期限应晚于原期限。"]})
        old = recommendation.due_date
        recommendation.due_date = due_date
        recommendation.extension_count += 1
        return _move(
            recommendation, actor, "extend", None,
            note or f"反馈期限由{old:%Y-%m-%d}延至{due_date:%Y-%m-%d}", due_date=due_date.isoformat(),
        )  # fmt: skip


def recommendation_respond(*, actor, recommendation: Recommendation, adoption: str, text: str) -> Recommendation:
    require_adoption(adoption)
    text = require_text(text, "text", "请填写反馈内容。")
    with lifecycle_step(RECOMMENDATION, "respond", actor, recommendation, _lock_recommendation) as recommendation:
        recommendation.adoption, recommendation.response_text = adoption, text
        recommendation.responded_at, recommendation.responded_by = timezone.now(), actor
        return _move(
            recommendation, actor, "respond", Recommendation.State.RESPONDED,
            f"{recommendation.unit.name}反馈：{Adoption(adoption).label}", adoption=adoption,
        )  # fmt: skip
