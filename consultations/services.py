"""Every write to consultations: one function per action, each in a transaction with the row locked,
each checking its lifecycle (consultations/workflow.py: role → scope → state, 403, 403, 409) and
recording a ConsultationEvent through it."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from activities import services as activity_services
from activities.models import Activity
from cppcc.audit import acting
from cppcc.errors import ApplicationError, Conflict, PermissionDenied
from cppcc.roles import Role, has_role
from cppcc.svc_checks import require_office, require_text
from cppcc.svc_lifecycle import lifecycle_step
from cppcc.workdays import add_workdays
from members.models import Member
from supervision.models import Adoption
from supervision.services import require_adoption
from supervision.workflow import user_unit_ids

from .models import (
    ConsultationActivity,
    ConsultationOutcome,
    ConsultationPlan,
    ConsultationTopic,
    Form,
    OutcomeAssignment,
    OutcomeFile,
    OutcomeState,
    PlanState,
    Source,
    Speech,
    TopicState,
)
from .workflow import ACTIVITY_TOPIC_STATES, EDITABLE_TOPIC_STATES, OUTCOME, PLAN, TOPIC

OFFICE_TOPIC_FIELDS = (
    "title",
    "description",
    "source",
    "suggested_by",
    "member",
    "proposal",
    "form",
    "lead_committee",
    "planned_quarter",
)
MEMBER_TOPIC_FIELDS = ("title", "description")
PLANNING_FIELDS = ("form", "lead_committee", "planned_quarter")


def feedback_workdays() -> int:
    """Working days a department has to answer an outcome it was assigned (setting, default 40 ≈ two months)."""
    return int(getattr(settings, "CONSULTATION_FEEDBACK_WORKDAYS", 40))


# --- helpers -------------------------------------------------------------------------------------


def _not_before_today(day: dt.date | None, field: str, label: str) -> None:
    if day is not None and day < timezone.localdate():
        raise ApplicationError(f"{label}不能早于今天。", errors={field: [f"{label}不能早于今天。"]})


# --- the annual plan -------------------------------------------------------------------------------


def plan_create(*, actor, year: int, title: str = "", description: str = "") -> ConsultationPlan:
    require_office(actor, "编制年度协商计划")
    if not 2000 <= int(year) <= 2100:
        raise ApplicationError("年度有误。", errors={"year": ["请填写四位年份。"]})
    with acting(actor), transaction.atomic():
        if ConsultationPlan.objects.filter(year=year).exists():
            raise Conflict(f"{year}年度协商计划已存在。")
        plan = ConsultationPlan.objects.create(
            year=year,
            title=(title or "").strip() or f"{year}年度协商计划",
            description=description or "",
            created_by=actor,
        )
        PLAN.record(plan, actor=actor, action="create_plan", to_state=plan.state, note=f"编制{plan.title}")
        return plan


def plan_update(*, actor, plan: ConsultationPlan, data: dict) -> ConsultationPlan:
    require_office(actor, "修改年度协商计划")
    with acting(actor), transaction.atomic():
        plan = ConsultationPlan.objects.select_for_update().get(pk=plan.pk)
        if "title" in data:
            plan.title = require_text(data["title"], "title", "请填写计划名称。")
        if "description" in data:
            plan.description = data["description"] or ""
        plan.save()
        PLAN.record(plan, actor=actor, action="update_plan", from_state=plan.state, to_state=plan.state)
        return plan


def plan_approve(*, actor, plan: ConsultationPlan, approved_on: dt.date | None = None, note: str = ""):
    """The party committee has decided the plan (区委常委会定题): the office records the decision."""
    with acting(actor), transaction.atomic():
        plan = ConsultationPlan.objects.select_for_update().get(pk=plan.pk)
        PLAN.check(actor, plan, "approve")
        plan.approved_on = approved_on or timezone.localdate()
        plan.approval_note = (note or "").strip()[:200]
        return PLAN.move(
            plan, actor=actor, action="approve_plan", to_state=PlanState.APPROVED,
            note=plan.approval_note or "年度协商计划经区委审定",
        )  # fmt: skip


# --- topics ----------------------------------------------------------------------------------------


def _lock_topic(topic) -> ConsultationTopic:
    return ConsultationTopic.objects.select_for_update(of=("self",)).select_related("plan").get(pk=topic.pk)


def _validate_topic(topic: ConsultationTopic) -> None:
    if topic.source not in Source.values:
        raise ApplicationError("请选择议题来源。", errors={"source": ["请选择议题来源。"]})
    if topic.form and topic.form not in Form.values:
        raise ApplicationError("协商形式有误。", errors={"form": ["请选择协商形式。"]})
    if topic.planned_quarter is not None and topic.planned_quarter not in (1, 2, 3, 4):
        raise ApplicationError("计划季度应为 1 至 4。", errors={"planned_quarter": ["请选择第一至第四季度。"]})
    if topic.source == Source.PROPOSAL:
        if topic.proposal_id is None:
            raise ApplicationError("提案点题须指明所依据的提案。", errors={"proposal": ["请选择提案。"]})
        if topic.proposal.number is None:
            raise ApplicationError("只能依据已立案的提案点题。", errors={"proposal": ["请选择已立案的提案。"]})
    else:
        topic.proposal = None
    if topic.source == Source.MEMBERS and topic.member_id is None:
        raise ApplicationError("委员选题须指明提出议题的委员。", errors={"member": ["请选择委员。"]})
    if not topic.suggested_by:
        if topic.member_id:
            topic.suggested_by = topic.member.name
        elif topic.proposal_id:
            topic.suggested_by = topic.proposal.proposer_display


NULLABLE_TOPIC_FIELDS = ("member", "proposal", "lead_committee", "planned_quarter")


def _set_fields(topic, data: dict, fields) -> None:
    for field in fields:
        if field in data:
            value = data[field]
            setattr(topic, field, "" if value is None and field not in NULLABLE_TOPIC_FIELDS else value)


def topic_create(*, actor, data: dict) -> ConsultationTopic:
    office = has_role(actor, Role.OFFICE)
    if not office and not has_role(actor, Role.MEMBER):
        raise PermissionDenied("只有机关工作人员或委员可以提出协商议题。")
    plan = data.get("plan")
    if plan is None:
        raise ApplicationError("请选择年度协商计划。", errors={"plan": ["请选择年度协商计划。"]})
    title = require_text(data.get("title"), "title", "请填写议题。")
    with acting(actor), transaction.atomic():
        plan = ConsultationPlan.objects.select_for_update().get(pk=plan.pk)
        topic = ConsultationTopic(plan=plan, created_by=actor)
        if office:
            _set_fields(topic, data, OFFICE_TOPIC_FIELDS)
        else:
            # 委员选题: a member proposes in their own name while the plan is being drawn up.
            me = Member.objects.filter(user=actor).first()
            if me is None:
                raise PermissionDenied("您的账号未关联委员信息，请联系机关工作人员。")
            if plan.state != PlanState.DRAFT:
                raise Conflict(f"{plan.title}已审定，议题征集已结束。")
            topic.description = data.get("description") or ""
            topic.source, topic.member, topic.suggested_by = Source.MEMBERS, me, me.name
        topic.title = title
        _validate_topic(topic)
        topic.save()
        TOPIC.record(
            topic, actor=actor, action="create", to_state=topic.state,
            note=f"{topic.get_source_display()}：{topic.suggested_by}".rstrip("："),
        )  # fmt: skip
        return topic


def topic_update(*, actor, topic: ConsultationTopic, data: dict) -> ConsultationTopic:
    office = has_role(actor, Role.OFFICE)
    if not office and not has_role(actor, Role.MEMBER):
        raise PermissionDenied("您的角色无权修改协商议题。")
    with acting(actor), transaction.atomic():
        topic = _lock_topic(topic)
        if not office and topic.created_by_id != actor.pk:
            raise PermissionDenied("只能修改本人提出的议题。")
        editable = EDITABLE_TOPIC_STATES if office else (TopicState.COLLECTED,)
        if topic.state not in editable:
            raise Conflict(f"议题当前状态为“{topic.get_state_display()}”，不能修改。")
        _set_fields(topic, data, OFFICE_TOPIC_FIELDS if office else MEMBER_TOPIC_FIELDS)
        topic.title = require_text(topic.title, "title", "请填写议题。")
        _validate_topic(topic)
        if topic.state == TopicState.APPROVED:
            _require_planning(topic)
        topic.save()
        TOPIC.record(topic, actor=actor, action="update", from_state=topic.state, to_state=topic.state, note="修改议题")
        return topic


def _move(topic, actor, action, to_state, note="", outcome=None, **data) -> ConsultationTopic:
    return TOPIC.move(topic, actor=actor, action=action, to_state=to_state, note=note, data=data, outcome=outcome)


def _apply_planning(topic, values: dict) -> None:
    for field in PLANNING_FIELDS:
        if values.get(field) not in (None, ""):
            setattr(topic, field, values[field])
    _validate_topic(topic)


def _require_planning(topic) -> None:
    missing = {}
    if not topic.form:
        missing["form"] = ["请选择协商形式。"]
    if topic.lead_committee_id is None:
        missing["lead_committee"] = ["请选择牵头专委会。"]
    if topic.planned_quarter is None:
        missing["planned_quarter"] = ["请选择计划季度。"]
    if missing:
        raise ApplicationError("定题须确定协商形式、牵头专委会和计划季度。", errors=missing)


def topic_shortlist(*, actor, topic: ConsultationTopic, note: str = "", **planning) -> ConsultationTopic:
    with lifecycle_step(TOPIC, "shortlist", actor, topic, _lock_topic) as topic:
        _apply_planning(topic, planning)
        topic.shortlisted_at = timezone.now()
        return _move(topic, actor, "shortlist", TopicState.SHORTLISTED, note or "列入年度协商计划建议稿")


def topic_approve(*, actor, topic: ConsultationTopic, note: str = "", **planning) -> ConsultationTopic:
    with lifecycle_step(TOPIC, "approve", actor, topic, _lock_topic) as topic:
        _apply_planning(topic, planning)
        _require_planning(topic)
        topic.approved_at = timezone.now()
        topic.decision_note = (note or "").strip()[:200]
        return _move(
            topic, actor, "approve", TopicState.APPROVED,
            topic.decision_note or "经区委常委会定题，列入年度协商计划",
            form=topic.form, quarter=topic.planned_quarter,
        )  # fmt: skip


def _new_activity(actor, topic, data: dict) -> ConsultationActivity:
    activity = activity_services.activity_save(
        actor=actor,
        data={
            "kind": Activity.Kind.CONSULTATION,
            "title": (data.get("title") or "").strip() or topic.title,
            "start_date": data.get("start_date"),
            "end_date": data.get("end_date"),
            "place": data.get("place") or "",
            "description": data.get("description") or "",
            "organiser_committee": topic.lead_committee,
        },
    )
    consultation = ConsultationActivity.objects.create(
        topic=topic, activity=activity, form=data.get("form") or topic.form, summary=data.get("summary") or ""
    )
    if data.get("units"):
        consultation.units.set(data["units"])
    return consultation


def topic_schedule(*, actor, topic: ConsultationTopic, start_date: dt.date, note: str = "", **activity):
    """Arrange the consultation meeting: creates the activity (date, place, departments invited)."""
    if start_date is None:
        raise ApplicationError("请填写协商活动日期。", errors={"start_date": ["请填写日期。"]})
    with lifecycle_step(TOPIC, "schedule", actor, topic, _lock_topic) as topic:
        consultation = _new_activity(actor, topic, {**activity, "start_date": start_date})
        where = f"，{consultation.activity.place}" if consultation.activity.place else ""
        return _move(
            topic, actor, "schedule", TopicState.SCHEDULED,
            note or f"{start_date:%Y年%m月%d日}{where}，{consultation.get_form_display()}",
            activity=consultation.pk,
        )  # fmt: skip


def topic_hold(*, actor, topic: ConsultationTopic, note: str = "") -> ConsultationTopic:
    with lifecycle_step(TOPIC, "hold", actor, topic, _lock_topic) as topic:
        topic.held_at = timezone.now()
        return _move(topic, actor, "hold", TopicState.HELD, note or "协商活动已举行")


def _store_file(outcome, actor, upload) -> OutcomeFile:
    return OutcomeFile.store(upload, actor=actor, outcome=outcome)


def topic_submit_outcome(
    *, actor, topic: ConsultationTopic, title: str = "", report: str, recommendations: int = 0, files=()
):
    """Submit the topic's outcome report; `recommendations`: how many it makes (协商意见, 条)."""
    report = require_text(report, "report", "请填写协商成果报告。")
    with lifecycle_step(TOPIC, "submit_outcome", actor, topic, _lock_topic) as topic:
        outcome = ConsultationOutcome.objects.create(
            topic=topic,
            title=(title or "").strip() or f"关于“{topic.title}”的协商成果报告",
            report=report,
            recommendations=recommendations or 0,
            submitted_at=timezone.now(),
            submitted_by=actor,
        )
        for upload in files or ():
            _store_file(outcome, actor, upload)
        return _move(topic, actor, "submit_outcome", TopicState.OUTCOME_SUBMITTED, outcome.title, outcome=outcome)


def topic_close(*, actor, topic: ConsultationTopic, note: str = "") -> ConsultationTopic:
    with lifecycle_step(TOPIC, "close", actor, topic, _lock_topic) as topic:
        outcome = ConsultationOutcome.objects.filter(topic=topic).first()
        topic.closed_at = timezone.now()
        return _move(topic, actor, "close", TopicState.CLOSED, note or "成果办理反馈完毕，办结", outcome=outcome)


def topic_drop(*, actor, topic: ConsultationTopic, reason: str) -> ConsultationTopic:
    reason = require_text(reason, "reason", "请填写不予采用的理由。")
    with lifecycle_step(TOPIC, "drop", actor, topic, _lock_topic) as topic:
        topic.drop_reason = reason
        return _move(topic, actor, "drop", TopicState.DROPPED, reason)


def _topic_note(topic, actor, action, note, **data):
    """A timeline entry on the topic that is not a transition (its activities, attendance, speeches)."""
    return TOPIC.record(topic, actor=actor, action=action, from_state=topic.state, to_state=topic.state, note=note,
                        data=data)  # fmt: skip


# --- consultation activities -----------------------------------------------------------------------


def activity_add(*, actor, topic: ConsultationTopic, data: dict) -> ConsultationActivity:
    """A further meeting or visit on a scheduled or held topic (e.g. a field visit before the meeting)."""
    require_office(actor, "登记协商活动")
    if data.get("start_date") is None:
        raise ApplicationError("请填写活动日期。", errors={"start_date": ["请填写日期。"]})
    with acting(actor), transaction.atomic():
        topic = _lock_topic(topic)
        if topic.state not in ACTIVITY_TOPIC_STATES:
            raise Conflict(f"议题当前状态为“{topic.get_state_display()}”，不能增加协商活动。")
        consultation = _new_activity(actor, topic, data)
        _topic_note(topic, actor, "add_activity", str(consultation.activity), activity=consultation.pk)
        return consultation


def activity_update(*, actor, consultation: ConsultationActivity, data: dict) -> ConsultationActivity:
    require_office(actor, "修改协商活动")
    with acting(actor), transaction.atomic():
        consultation = (
            ConsultationActivity.objects.select_for_update(of=("self",))
            .select_related("activity", "topic", "topic__plan")
            .get(pk=consultation.pk)
        )
        topic = consultation.topic
        if topic.state in (TopicState.CLOSED, TopicState.DROPPED):
            raise Conflict(f"议题已{topic.get_state_display()}，不能修改协商活动。")
        activity_data = {
            f: (data[f] if data[f] is not None or f == "end_date" else "")
            for f in ("title", "start_date", "end_date", "place", "description")
            if f in data
        }
        if activity_data:
            activity_services.activity_save(actor=actor, activity=consultation.activity, data=activity_data)
        if data.get("form"):
            consultation.form = data["form"]
        if "summary" in data:
            consultation.summary = data["summary"] or ""
        consultation.save()
        if "units" in data:
            consultation.units.set(data["units"])
        _topic_note(topic, actor, "update_activity", str(consultation.activity), activity=consultation.pk)
        return consultation


def activity_attendance(*, actor, consultation: ConsultationActivity, entries: dict) -> int:
    require_office(actor, "登记参加委员")
    with acting(actor), transaction.atomic():
        consultation = ConsultationActivity.objects.select_related("activity", "topic", "topic__plan").get(
            pk=consultation.pk
        )
        written = activity_services.attendance_record(actor=actor, activity=consultation.activity, entries=entries)
        topic = consultation.topic
        _topic_note(
            topic, actor, "attendance", f"登记“{consultation.activity.title}”参加情况 {written} 人",
            activity=consultation.pk,
        )  # fmt: skip
        return written


def speech_add(*, actor, consultation: ConsultationActivity, title: str, member=None, speaker: str = "",
               unit=None, summary: str = "") -> Speech:  # fmt: skip
    require_office(actor, "登记协商发言")
    title = require_text(title, "title", "请填写发言题目。")
    if member is None and not (speaker or "").strip():
        raise ApplicationError("请选择发言委员或填写发言人。", errors={"member": ["请选择发言委员或填写发言人。"]})
    with acting(actor), transaction.atomic():
        consultation = ConsultationActivity.objects.select_related("topic", "topic__plan").get(pk=consultation.pk)
        speech = Speech.objects.create(
            consultation=consultation,
            member=member,
            speaker=(speaker or "").strip(),
            unit=unit,
            title=title,
            summary=summary or "",
        )
        topic = consultation.topic
        _topic_note(topic, actor, "speech", f"{speech.speaker_display}：{title}", activity=consultation.pk)
        return speech


# --- outcomes and their processing chain ------------------------------------------------------------


def _lock_outcome(outcome) -> ConsultationOutcome:
    return (
        ConsultationOutcome.objects.select_for_update(of=("self",))
        .select_related("topic", "topic__plan")
        .get(pk=outcome.pk)
    )


def _outcome_event(outcome, actor, action, from_state, note="", unit=None, deadline=None, **data):
    return OUTCOME.record(
        outcome, actor=actor, action=action, from_state=from_state, to_state=outcome.state, note=note, data=data,
        unit=unit, deadline=deadline,
    )  # fmt: skip


def _unit_assignment(outcome, actor, unit, wanted, nothing: str) -> OutcomeAssignment:
    """The actor's own assignment on the outcome: the named unit's, or the only one waiting for this step."""
    mine = user_unit_ids(actor)
    rows = list(outcome.assignments.select_for_update(of=("self",)).select_related("unit").filter(unit_id__in=mine))
    if unit is not None:
        if unit.pk not in mine:
            raise PermissionDenied("您只能以本单位的名义办理。")
        match = [a for a in rows if a.unit_id == unit.pk]
        if not match:
            raise ApplicationError("该单位没有承办此协商成果。", errors={"unit": ["该单位没有承办此协商成果。"]})
        return match[0]
    waiting = [a for a in rows if wanted(a)]
    if len(waiting) > 1:
        raise ApplicationError("请指定以哪个单位的名义办理。", errors={"unit": ["请选择承办单位。"]})
    if not waiting:
        raise Conflict(nothing)
    return waiting[0]


def outcome_instruct(*, actor, outcome: ConsultationOutcome, instruction: str, due_date: dt.date | None = None):
    """批办: a leader's instruction on the outcome, with an optional deadline for the departments."""
    instruction = require_text(instruction, "instruction", "请填写批示意见。")
    _not_before_today(due_date, "due_date", "办理期限")
    with lifecycle_step(OUTCOME, "instruct", actor, outcome, _lock_outcome) as outcome:
        outcome.instruction, outcome.instruction_due = instruction, due_date
        outcome.instructed_at, outcome.instructed_by = timezone.now(), actor
        return OUTCOME.move(
            outcome, actor=actor, action="instruct", to_state=OutcomeState.INSTRUCTED, note=instruction,
            deadline=due_date,
        )  # fmt: skip


def outcome_assign(*, actor, outcome: ConsultationOutcome, units, due_date: dt.date | None = None, note: str = ""):
    """交办: the office hands the outcome to one or more departments, each with a feedback deadline."""
    units = list(units or ())
    if not units:
        raise ApplicationError("请选择承办单位。", errors={"units": ["请至少选择一个承办单位。"]})
    if len({u.pk for u in units}) != len(units):
        raise ApplicationError("同一单位不能重复交办。", errors={"units": ["同一单位不能重复交办。"]})
    if any(not u.is_active for u in units):
        raise ApplicationError("所选单位已停用。", errors={"units": ["所选单位已停用。"]})
    _not_before_today(due_date, "due_date", "反馈期限")
    with lifecycle_step(OUTCOME, "assign", actor, outcome, _lock_outcome) as outcome:
        now = timezone.now()
        today = timezone.localdate(now)
        due = due_date or outcome.instruction_due or add_workdays(today, feedback_workdays())
        OutcomeAssignment.objects.bulk_create(
            [
                OutcomeAssignment(
                    outcome=outcome, unit=u, note=note or "", assigned_at=now, assigned_by=actor, due_date=due
                )
                for u in units
            ]
        )
        from_state = outcome.state
        outcome.state = OutcomeState.ASSIGNED
        outcome.save()
        # One event per department: each unit's chain (交办 → 承办 → 督办 → 反馈) reads on its own,
        # and a unit is shown only its own steps.
        for u in units:
            _outcome_event(outcome, actor, "assign", from_state, note or f"交{u.name}办理", unit=u, deadline=due)
        return outcome


def outcome_accept(*, actor, outcome: ConsultationOutcome, unit=None) -> ConsultationOutcome:
    """承办: a department signs for the outcome; once every department has, it is being handled."""
    with lifecycle_step(OUTCOME, "accept", actor, outcome, _lock_outcome) as outcome:
        assignment = _unit_assignment(outcome, actor, unit, lambda a: a.accepted_at is None, "本单位已签收该协商成果。")
        if assignment.accepted_at:
            raise Conflict(f"{assignment.unit.name}已签收该协商成果。")
        assignment.accepted_at, assignment.accepted_by = timezone.now(), actor
        assignment.save(update_fields=["accepted_at", "accepted_by"])
        signed = not outcome.assignments.filter(accepted_at__isnull=True).exists()
        return OUTCOME.move(
            outcome, actor=actor, action="accept", to_state=OutcomeState.HANDLING if signed else None, save=signed,
            note=f"{assignment.unit.name}签收承办", unit=assignment.unit, deadline=assignment.due_date,
        )  # fmt: skip


def outcome_supervise(*, actor, outcome: ConsultationOutcome, note: str, unit=None, due_date: dt.date | None = None):
    """督办: the office or a leader presses the departments that have not answered, optionally with a new deadline."""
    note = require_text(note, "note", "请填写督办意见。")
    _not_before_today(due_date, "due_date", "反馈期限")
    with lifecycle_step(OUTCOME, "supervise", actor, outcome, _lock_outcome) as outcome:
        targets = (
            outcome.assignments.select_for_update(of=("self",)).select_related("unit").filter(fed_back_at__isnull=True)
        )
        if unit is not None:
            targets = targets.filter(unit=unit)
        targets = list(targets)
        if not targets:
            raise Conflict("没有尚待反馈的承办单位。")
        for a in targets:
            a.supervision_count += 1
            if due_date:
                a.due_date = due_date
            a.save(update_fields=["supervision_count", "due_date"])
        for a in targets:
            _outcome_event(
                outcome, actor, "supervise", outcome.state, f"督办{a.unit.name}：{note}", unit=a.unit,
                deadline=a.due_date, count=a.supervision_count,
            )  # fmt: skip
        return outcome


def outcome_feedback(*, actor, outcome: ConsultationOutcome, adoption: str, content: str, unit=None):
    """反馈: a department reports how it adopted the outcome; when all have, the chain is complete."""
    require_adoption(adoption)
    content = require_text(content, "content", "请填写反馈内容。")
    with lifecycle_step(OUTCOME, "feedback", actor, outcome, _lock_outcome) as outcome:
        assignment = _unit_assignment(
            outcome, actor, unit, lambda a: a.accepted_at and not a.fed_back_at, "请先签收，或本单位已反馈。"
        )
        if assignment.accepted_at is None:
            raise Conflict("请先签收该协商成果，再反馈办理情况。")
        if assignment.fed_back_at:
            raise Conflict(f"{assignment.unit.name}已反馈。")
        assignment.adoption, assignment.feedback = adoption, content
        assignment.fed_back_at, assignment.fed_back_by = timezone.now(), actor
        assignment.save(update_fields=["adoption", "feedback", "fed_back_at", "fed_back_by"])
        answered = not outcome.assignments.filter(fed_back_at__isnull=True).exists()
        return OUTCOME.move(
            outcome, actor=actor, action="feedback", to_state=OutcomeState.FED_BACK if answered else None,
            save=answered, note=f"{assignment.unit.name}反馈：{Adoption(adoption).label}", data={"adoption": adoption},
            unit=assignment.unit, deadline=assignment.due_date,
        )  # fmt: skip


def outcome_file_add(*, actor, outcome: ConsultationOutcome, upload) -> OutcomeFile:
    require_office(actor, "上传成果附件")
    with acting(actor), transaction.atomic():
        outcome = _lock_outcome(outcome)
        stored = _store_file(outcome, actor, upload)
        _outcome_event(outcome, actor, "attach", outcome.state, stored.original_name)
        return stored
