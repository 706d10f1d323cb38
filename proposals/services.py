"""Every write to proposals: one function per action, each in a transaction, each recording an event.

Role, scope and state are checked against the lifecycle (`workflow.PROPOSAL.check`, on the locked
row): a wrong role or scope answers 403, a wrong state 409. Every event row is written by
`PROPOSAL.record()` / `PROPOSAL.move()`, which also send the domain event.
"""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from cppcc.audit import acting
from cppcc.errors import ApplicationError, Conflict, PermissionDenied
from cppcc.roles import Role, has_role
from cppcc.svc_checks import require_choice, require_text
from cppcc.svc_lifecycle import lifecycle_step
from cppcc.workdays import add_workdays
from members.models import Member, Term
from members.selectors import user_unit_ids

from .models import (
    Assignment,
    Attachment,
    CoSigner,
    Proposal,
    ProposalCounter,
    Reply,
    Satisfaction,
    State,
)
from .workflow import (
    CONVERT_NOTE,
    PROPOSAL,
    awaited_co_units,
    awaiting_co_units_text,
    extension_requestable,
    return_window_closed,
)

EDITABLE_FIELDS = (
    "term",
    "session",
    "title",
    "category",
    "background",
    "suggestions",
    "kind",
    "lead_proposer",
    "collective_party",
    "collective_sector",
    "collective_group",
    "collective_committee",
    "contact_name",
    "contact_phone",
)
COLLECTIVE_FIELDS = ("collective_party", "collective_sector", "collective_group", "collective_committee")


# --- helpers -------------------------------------------------------------------------------------


def _lock(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update(of=("self",)).select_related("lead_proposer").get(pk=proposal.pk)


def _event(proposal, actor, action, from_state, note="", **data):
    """A timeline entry that is not a transition (the draft created, changed, a file attached)."""
    return PROPOSAL.record(proposal, actor=actor, action=action, from_state=from_state, to_state=proposal.state,
                           note=note, data=data)  # fmt: skip


def _move(proposal: Proposal, actor, action: str, to_state: str | None, note="", **data) -> Proposal:
    return PROPOSAL.move(proposal, actor=actor, action=action, to_state=to_state, note=note, data=data)


def _today() -> dt.date:
    return timezone.localdate()


def _unit_assignment(proposal: Proposal, actor, unit_id) -> Assignment:
    if unit_id is None:
        raise ApplicationError("请指定承办单位。", errors={"unit": ["请指定承办单位。"]})
    if has_role(actor, Role.UNIT) and int(unit_id) not in user_unit_ids(actor):
        raise PermissionDenied("您只能以本单位的名义办理。")
    assignment = (
        proposal.assignments.select_for_update().select_related("unit").filter(unit_id=unit_id, is_active=True).first()
    )
    if assignment is None:
        raise ApplicationError("该单位没有承办此提案。", errors={"unit": ["该单位没有承办此提案。"]})
    return assignment


# --- drafting --------------------------------------------------------------------------------------


def _apply_fields(proposal: Proposal, actor, data: dict) -> None:
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(proposal, field, data[field])
    if has_role(actor, Role.MEMBER) and not has_role(actor, Role.OFFICE):
        # A member writes in their own name; collective proposals are entered by the office.
        me = Member.objects.filter(user=actor).first()
        if me is None:
            raise PermissionDenied("您的账号未关联委员信息，请联系机关工作人员。")
        proposal.kind = Proposal.Kind.INDIVIDUAL
        proposal.lead_proposer = me
        for field in COLLECTIVE_FIELDS:
            setattr(proposal, field, None)
    if proposal.kind == Proposal.Kind.INDIVIDUAL:
        if proposal.lead_proposer_id is None:
            raise ApplicationError("个人提案须有第一提案人。", errors={"lead_proposer": ["请选择第一提案人。"]})
        for field in COLLECTIVE_FIELDS:
            setattr(proposal, field, None)
    else:
        bodies = [f for f in COLLECTIVE_FIELDS if getattr(proposal, f + "_id")]
        if len(bodies) != 1:
            raise ApplicationError(
                "集体提案须且只能指定一个提案单位（党派、界别、委员组或专委会）。",
                errors={"collective_party": ["请指定一个提案单位。"]},
            )
    if proposal.term_id is None:
        proposal.term = Term.objects.filter(is_current=True).first()
        if proposal.term is None:
            raise ApplicationError("尚未设置本届届次。")
    if proposal.session_id and proposal.session.term_id != proposal.term_id:
        raise ApplicationError("会议不属于所选届次。", errors={"session": ["会议不属于所选届次。"]})
    if has_role(actor, Role.MEMBER) and not has_role(actor, Role.OFFICE) and not proposal.term.is_current:
        # A member files in the current term only; the office may enter an earlier term's proposals.
        raise ApplicationError("只能在本届届次内撰写提案。", errors={"term": ["只能选择本届届次。"]})
    if proposal.lead_proposer_id and not proposal.contact_name:
        proposal.contact_name = proposal.lead_proposer.name
        proposal.contact_phone = proposal.contact_phone or proposal.lead_proposer.phone


def _set_cosigners(proposal: Proposal, members) -> None:
    wanted = {m.pk for m in members} - {proposal.lead_proposer_id}
    proposal.cosigners.exclude(member_id__in=wanted).delete()
    existing = set(proposal.cosigners.values_list("member_id", flat=True))
    CoSigner.objects.bulk_create([CoSigner(proposal=proposal, member_id=pk) for pk in wanted - existing])


def proposal_create(*, actor, data: dict, cosigners=(), files=()) -> Proposal:
    if not has_role(actor, Role.MEMBER, Role.OFFICE):
        raise PermissionDenied("只有委员或机关工作人员可以撰写提案。")
    with acting(actor), transaction.atomic():
        proposal = Proposal(created_by=actor)
        _apply_fields(proposal, actor, data)
        proposal.save()
        _set_cosigners(proposal, cosigners)
        for upload in files:
            _store_attachment(proposal, actor, upload)
        _event(proposal, actor, "create", "", "创建草稿")
        return proposal


def proposal_update(*, actor, proposal: Proposal, data: dict, cosigners=None, files=()) -> Proposal:
    with acting(actor), transaction.atomic():
        proposal = _lock(proposal)
        if not proposal.is_owned_by(actor):
            raise PermissionDenied("只有提案人本人可以修改提案。")
        if proposal.state != State.DRAFT:
            raise Conflict(f"提案当前状态为“{proposal.get_state_display()}”，只有草稿可以修改。")
        _apply_fields(proposal, actor, data)
        proposal.save()
        if cosigners is not None:
            _set_cosigners(proposal, cosigners)
        for upload in files:
            _store_attachment(proposal, actor, upload)
        _event(proposal, actor, "update", proposal.state, "修改草稿")
        return proposal


def _store_attachment(proposal, actor, upload) -> Attachment:
    return Attachment.store(upload, actor=actor, proposal=proposal)


def attachment_add(*, actor, proposal: Proposal, upload) -> Attachment:
    with acting(actor), transaction.atomic():
        proposal = _lock(proposal)
        if not proposal.is_owned_by(actor):
            raise PermissionDenied("只有提案人本人可以上传附件。")
        if proposal.state != State.DRAFT:
            raise Conflict("只有草稿可以添加附件。")
        attachment = _store_attachment(proposal, actor, upload)
        _event(proposal, actor, "attach", proposal.state, attachment.original_name)
        return attachment


# --- member and office review --------------------------------------------------------------------


def proposal_submit(*, actor, proposal: Proposal) -> Proposal:
    with lifecycle_step(PROPOSAL, "submit", actor, proposal, _lock) as proposal:
        missing = {
            field: ["此项不能为空。"]
            for field in ("title", "background", "suggestions")
            if not (getattr(proposal, field) or "").strip()
        }
        if missing:
            raise ApplicationError("提案内容不完整：案题、案由和建议都须填写。", errors=missing)
        proposal.submitted_at = timezone.now()
        proposal.revision_note = ""
        return _move(proposal, actor, "submit", State.SUBMITTED)


def proposal_withdraw(*, actor, proposal: Proposal, note: str = "") -> Proposal:
    with lifecycle_step(PROPOSAL, "withdraw", actor, proposal, _lock) as proposal:
        return _move(proposal, actor, "withdraw", State.WITHDRAWN, note)


def proposal_cosign(*, actor, proposal: Proposal) -> Proposal:
    with lifecycle_step(PROPOSAL, "cosign", actor, proposal, _lock) as proposal:
        signature = proposal.cosigners.select_for_update().get(member__user=actor)
        if signature.confirmed_at or signature.declined_at:
            raise Conflict("您已答复该附议邀请。")
        signature.confirmed_at = timezone.now()
        signature.save(update_fields=["confirmed_at"])
        return _move(proposal, actor, "cosign", None, "确认附议", member=signature.member_id)


def proposal_decline_cosign(*, actor, proposal: Proposal, reason: str) -> Proposal:
    """An invited co-signer declines, with a reason the proposer reads on the proposal."""
    reason = require_text(reason, "reason", "请填写谢绝附议的理由。")
    with lifecycle_step(PROPOSAL, "decline_cosign", actor, proposal, _lock) as proposal:
        signature = proposal.cosigners.select_for_update().get(member__user=actor)
        if signature.confirmed_at or signature.declined_at:
            raise Conflict("您已答复该附议邀请。")
        signature.declined_at, signature.decline_reason = timezone.now(), reason[:200]
        signature.save(update_fields=["declined_at", "decline_reason"])
        return _move(proposal, actor, "decline_cosign", None, f"谢绝附议：{reason}", member=signature.member_id)


def proposal_return_for_revision(*, actor, proposal: Proposal, note: str) -> Proposal:
    note = require_text(note, "note", "请填写退回补充的意见。")
    with lifecycle_step(PROPOSAL, "return_for_revision", actor, proposal, _lock) as proposal:
        proposal.revision_note = note
        return _move(proposal, actor, "return_for_revision", State.DRAFT, note)


def _next_number(term) -> int:
    """Lock the term's counter row and take the next number: concurrent filings queue here."""
    try:
        with transaction.atomic():
            ProposalCounter.objects.get_or_create(term=term)
    except IntegrityError:
        pass  # another transaction created it at the same instant; the lock below waits for it
    counter = ProposalCounter.objects.select_for_update().get(term=term)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def proposal_file(*, actor, proposal: Proposal, note: str = "") -> Proposal:
    with lifecycle_step(PROPOSAL, "file", actor, proposal, _lock) as proposal:
        proposal.number = _next_number(proposal.term)
        proposal.filed_at = timezone.now()
        return _move(proposal, actor, "file", State.FILED, note, number=proposal.number)


def proposal_reject(*, actor, proposal: Proposal, reason: str, note: str = "") -> Proposal:
    from .models import RejectReason

    require_choice(reason, RejectReason.values, "reason", "请选择不予立案的理由。")
    if reason == RejectReason.OTHER:
        note = require_text(note, "note", "理由为“其他”时须写明具体说明。")
    with lifecycle_step(PROPOSAL, "reject", actor, proposal, _lock) as proposal:
        proposal.reject_reason, proposal.reject_note = reason, note
        return _move(proposal, actor, "reject", State.NOT_FILED, note or RejectReason(reason).label, reason=reason)


def proposal_merge(*, actor, proposal: Proposal, into: Proposal, note: str = "") -> Proposal:
    with lifecycle_step(PROPOSAL, "merge", actor, proposal, _lock) as proposal:
        if into.pk == proposal.pk or into.number is None or into.state in (State.MERGED,):
            raise ApplicationError("只能并入已立案的提案。", errors={"into": ["只能并入已立案的提案。"]})
        if into.term_id != proposal.term_id:
            raise ApplicationError("只能并入同一届的提案。", errors={"into": ["只能并入同一届的提案。"]})
        proposal.merged_into = into
        return _move(proposal, actor, "merge", State.MERGED, note or f"并入{into.number_display}", into=into.pk)


def proposal_convert(*, actor, proposal: Proposal, note: str = "") -> Proposal:
    with lifecycle_step(PROPOSAL, "convert", actor, proposal, _lock) as proposal:
        # The report arrives in the office's social-opinion queue in the same transaction: `opinions`
        # listens to the engine's `event_recorded` (proposals does not know it; a failure there undoes this).
        return _move(proposal, actor, "convert", State.CONVERTED, note or CONVERT_NOTE)


# --- assignment and handling ----------------------------------------------------------------------


def proposal_assign(*, actor, proposal: Proposal, lead_unit=None, co_units=(), split_units=(), note="") -> Proposal:
    co_units, split_units = list(co_units or ()), list(split_units or ())
    if bool(lead_unit) == bool(split_units):
        raise ApplicationError(
            "请指定一个主办单位（可加会办单位），或指定多个分办单位。",
            errors={"lead_unit": ["请指定主办单位或分办单位。"]},
        )
    plan = [(lead_unit, Assignment.Role.LEAD)] if lead_unit else []
    plan += [(u, Assignment.Role.CO) for u in co_units] + [(u, Assignment.Role.SPLIT) for u in split_units]
    unit_ids = [u.pk for u, _ in plan]
    if len(set(unit_ids)) != len(unit_ids):
        raise ApplicationError("同一单位不能重复交办。", errors={"co_units": ["同一单位不能重复交办。"]})
    if any(not u.is_active for u, _ in plan):
        raise ApplicationError("所选单位已停用。", errors={"lead_unit": ["所选单位已停用。"]})
    with lifecycle_step(PROPOSAL, "assign", actor, proposal, _lock) as proposal:
        now = timezone.now()
        today = timezone.localdate(now)
        due = today + relativedelta(months=settings.PROPOSAL_REPLY_MONTHS)
        Assignment.objects.bulk_create(
            [
                Assignment(
                    proposal=proposal,
                    unit=unit,
                    role=role,
                    assigned_at=now,
                    assigned_by=actor,
                    due_date=due,
                    max_due_date=today + relativedelta(months=settings.PROPOSAL_MAX_REPLY_MONTHS),
                    return_deadline=add_workdays(today, settings.PROPOSAL_RETURN_WORKDAYS),
                )
                for unit, role in plan
            ]
        )
        summary = "；".join(f"{Assignment.Role(role).label}：{unit.name}" for unit, role in plan)
        return _move(proposal, actor, "assign", State.ASSIGNED, note or summary, units=unit_ids)


def proposal_accept(*, actor, proposal: Proposal, unit_id) -> Proposal:
    with lifecycle_step(PROPOSAL, "accept", actor, proposal, _lock) as proposal:
        assignment = _unit_assignment(proposal, actor, unit_id)
        if assignment.accepted_at:
            raise Conflict(f"{assignment.unit.name}已签收该提案。")
        assignment.accepted_at = timezone.now()
        assignment.save(update_fields=["accepted_at"])
        waiting = proposal.assignments.filter(is_active=True, accepted_at__isnull=True).exists()
        return _move(
            proposal,
            actor,
            "accept",
            None if waiting else State.HANDLING,
            f"{assignment.unit.name}签收",
            unit=assignment.unit_id,
        )


def proposal_return(*, actor, proposal: Proposal, unit_id, reason: str) -> Proposal:
    reason = require_text(reason, "reason", "请填写退回理由。")
    with lifecycle_step(PROPOSAL, "return", actor, proposal, _lock) as proposal:
        assignment = _unit_assignment(proposal, actor, unit_id)
        if assignment.accepted_at:
            raise Conflict("已签收的提案不能退回。")
        if closed := return_window_closed(assignment):
            raise Conflict(closed)
        now = timezone.now()
        assignment.returned_at, assignment.return_reason = now, reason
        assignment.save(update_fields=["returned_at", "return_reason"])
        # The office reassigns the whole proposal: every assignment of this round ends here.
        proposal.assignments.filter(is_active=True).update(is_active=False)
        return _move(
            proposal, actor, "return", State.FILED, f"{assignment.unit.name}申请退回：{reason}", unit=assignment.unit_id
        )


def proposal_reply(
    *,
    actor,
    proposal: Proposal,
    unit_id,
    result: str,
    content: str,
    letter_number: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    upload=None,
) -> Reply:
    content = require_text(content, "content", "请填写答复内容。")
    require_choice(result, Reply.Result.values, "result", "请选择办理结果（A、B 或 C 类）。", "请选择 A、B 或 C。")
    with lifecycle_step(PROPOSAL, "reply", actor, proposal, _lock) as proposal:
        assignment = _unit_assignment(proposal, actor, unit_id)
        if not assignment.accepted_at:
            raise Conflict("请先签收该提案。")
        current_round = proposal.rehandle_count + 1
        replies = Reply.objects.filter(assignment__proposal=proposal, round=current_round)
        if replies.filter(assignment=assignment).exclude(status=Reply.Status.SENT_BACK).exists():
            raise Conflict("本单位已答复，正在审核或已通过。")
        if assignment.role == Assignment.Role.LEAD and (missing := awaited_co_units(proposal)):
            raise Conflict(awaiting_co_units_text(missing))
        attachment = _store_attachment(proposal, actor, upload) if upload else None
        is_opinion = assignment.role == Assignment.Role.CO
        reply = Reply.objects.create(
            assignment=assignment,
            round=current_round,
            result=result,
            letter_number=letter_number,
            content=content,
            contact_name=contact_name,
            contact_phone=contact_phone,
            attachment=attachment,
            submitted_by=actor,
            submitted_at=timezone.now(),
            # A co-unit's opinion goes to the lead unit, not to the office's review.
            status=Reply.Status.APPROVED if is_opinion else Reply.Status.PENDING,
        )
        label = "会办意见" if is_opinion else "答复"
        _move(
            proposal, actor, "reply", None, f"{assignment.unit.name}提交{label}（{result}类）", unit=assignment.unit_id
        )
        return reply


def proposal_approve_reply(
    *, actor, proposal: Proposal, unit_id, approve: bool = True, result: str = "", note: str = ""
) -> Proposal:
    if result and result not in Reply.Result.values:
        raise ApplicationError("办理结果应为 A、B 或 C。", errors={"result": ["请选择 A、B 或 C。"]})
    if not approve:
        note = require_text(note, "note", "退回修改时请写明意见。")
    with lifecycle_step(PROPOSAL, "approve_reply", actor, proposal, _lock) as proposal:
        assignment = _unit_assignment(proposal, actor, unit_id)
        current_round = proposal.rehandle_count + 1
        reply = (
            assignment.replies.select_for_update()
            .filter(round=current_round, status=Reply.Status.PENDING)
            .order_by("-id")
            .first()
        )
        if reply is None:
            raise Conflict(f"{assignment.unit.name}没有待审核的答复。")
        data = {"unit": assignment.unit_id, "reply": reply.pk}
        if result and result != reply.result:
            data["result_corrected"] = [reply.result, result]
            reply.result = result
        reply.status = Reply.Status.APPROVED if approve else Reply.Status.SENT_BACK
        reply.reviewed_by, reply.reviewed_at, reply.review_note = actor, timezone.now(), note
        reply.save()
        to_state = None
        if approve:
            required = proposal.assignments.filter(is_active=True).exclude(role=Assignment.Role.CO)
            done = required.filter(replies__round=current_round, replies__status=Reply.Status.APPROVED).distinct()
            if done.count() == required.count():
                to_state = State.REPLIED
                proposal.replied_at = timezone.now()
                proposal.feedback_due = add_workdays(timezone.localdate(), settings.PROPOSAL_FEEDBACK_WORKDAYS)
        verdict = "审核通过" if approve else "退回修改"
        return _move(
            proposal, actor, "approve_reply", to_state, f"{assignment.unit.name}的答复{verdict}。{note}".strip(), **data
        )


def _check_new_due(assignment: Assignment, due_date: dt.date) -> None:
    if due_date <= assignment.due_date:
        raise ApplicationError("新的期限应晚于原期限。", errors={"due_date": ["新的期限应晚于原期限。"]})
    if due_date > assignment.max_due_date:
        months = settings.PROPOSAL_MAX_REPLY_MONTHS
        message = f"延期最长至{assignment.max_due_date:%Y年%m月%d日}（交办后{months}个月）。"
        raise ApplicationError(message, errors={"due_date": [message]})


def _extend(assignment: Assignment, due_date: dt.date) -> str:
    """Move the unit's deadline (checked by `_check_new_due`); the words of the timeline."""
    old = assignment.due_date
    assignment.due_date = due_date
    assignment.extension_count += 1
    assignment.extension_requested_at, assignment.extension_requested_due = None, None
    assignment.save(update_fields=["due_date", "extension_count", "extension_requested_at", "extension_requested_due"])
    return f"{assignment.unit.name}答复期限由{old:%Y-%m-%d}延至{due_date:%Y-%m-%d}"


def proposal_extend(*, actor, proposal: Proposal, unit_id, due_date: dt.date, note: str = "") -> Proposal:
    with lifecycle_step(PROPOSAL, "extend", actor, proposal, _lock) as proposal:
        assignment = _unit_assignment(proposal, actor, unit_id)
        _check_new_due(assignment, due_date)
        words = _extend(assignment, due_date)
        return _move(
            proposal, actor, "extend", None, note or words, unit=assignment.unit_id, due_date=due_date.isoformat()
        )


def proposal_request_extension(*, actor, proposal: Proposal, unit_id, due_date: dt.date, reason: str) -> Proposal:
    """A unit asks the office for more time to answer, with the date and the reason (申请延期)."""
    reason = require_text(reason, "reason", "请填写延期理由。")
    with lifecycle_step(PROPOSAL, "request_extension", actor, proposal, _lock) as proposal:
        assignment = _unit_assignment(proposal, actor, unit_id)
        if assignment not in extension_requestable(actor, proposal):
            raise Conflict(f"{assignment.unit.name}已申请延期或已答复。")
        _check_new_due(assignment, due_date)
        assignment.extension_requested_at, assignment.extension_requested_due = timezone.now(), due_date
        assignment.extension_reason = reason
        assignment.save(update_fields=["extension_requested_at", "extension_requested_due", "extension_reason"])
        note = f"{assignment.unit.name}申请延期至{due_date:%Y-%m-%d}：{reason}"
        return _move(proposal, actor, "request_extension", None, note, unit=assignment.unit_id)


def proposal_decide_extension(
    *, actor, proposal: Proposal, unit_id, approve: bool = True, due_date: dt.date | None = None, note: str = ""
) -> Proposal:
    """The office grants a unit's request (to the date asked, or another within the limit) or refuses it."""
    if not approve:
        note = require_text(note, "note", "不同意延期时请写明意见。")
    with lifecycle_step(PROPOSAL, "decide_extension", actor, proposal, _lock) as proposal:
        assignment = _unit_assignment(proposal, actor, unit_id)
        if not assignment.extension_requested_at:
            raise Conflict(f"{assignment.unit.name}没有待审批的延期申请。")
        if approve:
            due_date = due_date or assignment.extension_requested_due
            _check_new_due(assignment, due_date)
            words = f"同意延期：{_extend(assignment, due_date)}。{note}".strip()
        else:
            assignment.extension_requested_at, assignment.extension_requested_due = None, None
            assignment.save(update_fields=["extension_requested_at", "extension_requested_due"])
            words = f"不同意{assignment.unit.name}的延期申请：{note}"
        data = {"unit": assignment.unit_id, "approve": approve}
        if approve:
            data["due_date"] = due_date.isoformat()
        return _move(proposal, actor, "decide_extension", None, words, **data)


# --- feedback and closing ---------------------------------------------------------------------------


def proposal_feedback(*, actor, proposal: Proposal, satisfaction: str, comment: str = "") -> Proposal:
    require_choice(satisfaction, Satisfaction.values, "satisfaction", "请选择满意、基本满意或不满意。", "请选择评价。")
    if satisfaction == Satisfaction.UNSATISFIED:
        comment = require_text(comment, "comment", "不满意时请写明理由。")
    with lifecycle_step(PROPOSAL, "feedback", actor, proposal, _lock) as proposal:
        now = timezone.now()
        proposal.satisfaction, proposal.feedback_comment, proposal.feedback_at = satisfaction, comment, now
        label = Satisfaction(satisfaction).label
        if satisfaction != Satisfaction.UNSATISFIED or proposal.rehandle_count >= settings.PROPOSAL_MAX_REHANDLES:
            proposal.closed_at = now
            return _move(
                proposal, actor, "feedback", State.CLOSED, f"{label}。{comment}".strip(), satisfaction=satisfaction
            )
        proposal.rehandle_count += 1
        proposal.feedback_due = None
        today = timezone.localdate(now)
        new_due = today + relativedelta(months=settings.PROPOSAL_REHANDLE_MONTHS)
        for assignment in proposal.assignments.filter(is_active=True).exclude(role=Assignment.Role.CO):
            assignment.due_date = new_due
            assignment.max_due_date = max(assignment.max_due_date, new_due)
            assignment.save(update_fields=["due_date", "max_due_date"])
        return _move(proposal, actor, "feedback", State.REHANDLING, f"{label}：{comment}", satisfaction=satisfaction)


def proposal_close(*, actor, proposal: Proposal, note: str = "") -> Proposal:
    with lifecycle_step(PROPOSAL, "close", actor, proposal, _lock) as proposal:
        proposal.closed_at = timezone.now()
        return _move(proposal, actor, "close", State.CLOSED, note or "评价期满，办结")


def proposal_set_flags(*, actor, proposal: Proposal, data: dict) -> Proposal:
    allowed = {"is_key", "key_leader", "supervisor", "supervision_note"}
    if has_role(actor, Role.OFFICE):
        allowed.add("is_excellent")
    refused = set(data) - allowed
    if refused:
        raise PermissionDenied("您的角色无权设置：" + "、".join(sorted(refused)))
    for field in ("key_leader", "supervisor"):
        user = data.get(field)
        if user is not None and not has_role(user, Role.LEADER):
            raise ApplicationError("牵头/督办领导须为领导账号。", errors={field: ["请选择领导账号。"]})
    with lifecycle_step(PROPOSAL, "flags", actor, proposal, _lock) as proposal:
        for field, value in data.items():
            setattr(proposal, field, value)
        if not proposal.is_key:
            proposal.key_leader = None
        changes = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
        return _move(proposal, actor, "flags", None, "设置重点/督办/优秀标记", **changes)
