"""Every write to social-opinion reports: one function per action, each in a transaction with the
report's row locked, each recording an OpinionEvent through the lifecycle engine. Role, then scope,
then state — answered 403, 403, 409 by `OPINION.check`; a bad value 400. The lifecycle is
`opinions.workflow.OPINION`."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cppcc.audit import acting
from cppcc.errors import ApplicationError, Conflict, PermissionDenied
from cppcc.roles import Role, has_role
from cppcc.svc_checks import require_choice, require_text
from cppcc.svc_lifecycle import lifecycle_step
from members.models import HandlingUnit, Member

from .models import (
    LEVEL_BODY,
    OpinionAdoption,
    OpinionAttachment,
    OpinionAuthor,
    OpinionCategory,
    OpinionInstruction,
    OpinionLevel,
    OpinionPublication,
    OpinionReferral,
    OpinionReport,
    OpinionState,
)
from .workflow import AUTHOR_EDITABLE_STATES, EDITOR_EDITABLE_STATES, OPINION, is_owner, user_unit_ids

AUTHOR_FIELDS = ("title", "content", "category")
EDITOR_FIELDS = ("title", "content", "category")
FALLBACK_CATEGORY = "其他"


# --- helpers -------------------------------------------------------------------------------------


def _lock(report: OpinionReport) -> OpinionReport:
    return OpinionReport.objects.select_for_update(of=("self",)).select_related("category").get(pk=report.pk)


def _event(report, actor, action, from_state, note="", **data):
    """A timeline entry that is not a transition (creation, edits, an attachment, a conversion)."""
    return OPINION.record(report, actor=actor, action=action, from_state=from_state, to_state=report.state,
                          note=note, data=data)  # fmt: skip


def _move(report: OpinionReport, actor, action: str, note="", **data) -> OpinionReport:
    """Apply the transition's target (if any), save, record the event."""
    return OPINION.move(report, actor=actor, action=action, to_state=OPINION[action].target, note=note, data=data)


def _past_or_today(value: dt.date | None, field: str, what: str) -> dt.date:
    today = timezone.localdate()
    if value is None:
        return today
    if value > today:
        raise ApplicationError(f"{what}不能晚于今天。", errors={field: [f"{what}不能晚于今天。"]})
    return value


def _own_member(actor) -> Member:
    me = Member.objects.filter(user=actor).first()
    if me is None:
        raise PermissionDenied("您的账号未关联委员信息，请联系机关工作人员。")
    return me


def _set_authors(report: OpinionReport, lead: Member | None, coauthors) -> None:
    """One lead author and any co-authors; the lead is never also a co-author."""
    wanted = {m.pk for m in coauthors} - ({lead.pk} if lead else set())
    keep = wanted | ({lead.pk} if lead else set())
    report.authors.exclude(member_id__in=keep).delete()
    report.authors.filter(member_id__in=wanted).update(is_lead=False)
    if lead is not None:
        report.authors.filter(member_id=lead.pk).update(is_lead=True)
    existing = set(report.authors.values_list("member_id", flat=True))
    rows = [OpinionAuthor(report=report, member_id=pk, is_lead=False) for pk in wanted - existing]
    if lead is not None and lead.pk not in existing:
        rows.append(OpinionAuthor(report=report, member=lead, is_lead=True))
    OpinionAuthor.objects.bulk_create(rows)


def _lead_of(report: OpinionReport) -> Member | None:
    row = report.authors.filter(is_lead=True).select_related("member").first()
    return row.member if row else None


def _store_attachment(report, actor, upload) -> OpinionAttachment:
    return OpinionAttachment.store(upload, actor=actor, report=report)


def _apply(report: OpinionReport, data: dict, fields) -> None:
    for field in fields:
        if field in data:
            setattr(report, field, data[field] if data[field] is not None else "")
    if not (report.title or "").strip():
        raise ApplicationError("请填写标题。", errors={"title": ["请填写标题。"]})
    if report.category_id is None:
        raise ApplicationError("请选择类别。", errors={"category": ["请选择类别。"]})


def _lead_for(actor, data: dict, current: Member | None) -> Member:
    """A member writes in their own name; the office enters a report on a member's behalf."""
    if has_role(actor, Role.OFFICE):
        lead = data.get("lead_author") or current
        if lead is None:
            raise ApplicationError("请选择代为录入的委员（第一作者）。", errors={"lead_author": ["请选择委员。"]})
        return lead
    return _own_member(actor)


# --- writing -------------------------------------------------------------------------------------


def opinion_create(*, actor, data: dict, coauthors=(), files=()) -> OpinionReport:
    if not has_role(actor, Role.MEMBER, Role.OFFICE):
        raise PermissionDenied("只有委员或机关工作人员可以撰写社情民意信息。")
    with acting(actor), transaction.atomic():
        lead = _lead_for(actor, data, None)
        report = OpinionReport(created_by=actor)
        _apply(report, data, AUTHOR_FIELDS)
        report.save()
        _set_authors(report, lead, coauthors)
        for upload in files:
            _store_attachment(report, actor, upload)
        behalf = "" if lead.user_id == actor.pk else f"代{lead.name}录入"
        _event(report, actor, "create", "", behalf or "创建草稿")
        return report


def opinion_update(*, actor, report: OpinionReport, data: dict, coauthors=None, files=()) -> OpinionReport:
    """The author changes a draft or a report waiting in the queue; the office editor changes the
    title, content and category while editing (the author's text is kept in `original_*`)."""
    with acting(actor), transaction.atomic():
        report = _lock(report)
        office = has_role(actor, Role.OFFICE)
        owner = has_role(actor, Role.MEMBER, Role.OFFICE) and is_owner(actor, report)
        if not (office or owner):
            raise PermissionDenied("只有作者本人可以修改社情民意信息。")
        if report.state in AUTHOR_EDITABLE_STATES and owner:
            _apply(report, data, AUTHOR_FIELDS)
            report.save()
            current = _lead_of(report)
            lead = _lead_for(actor, data, current) if (office or current is None) else current
            if coauthors is not None or lead != current:
                existing = [a.member for a in report.authors.filter(is_lead=False).select_related("member")]
                _set_authors(report, lead, existing if coauthors is None else coauthors)
            for upload in files:
                _store_attachment(report, actor, upload)
            _event(report, actor, "update", report.state, "修改信息")
            return report
        if report.state in EDITOR_EDITABLE_STATES and office:
            if coauthors is not None or files:
                raise ApplicationError("编辑时只能修改标题、内容和类别。")
            changed = [f for f in EDITOR_FIELDS if f in data and getattr(report, f) != data[f]]
            _apply(report, data, EDITOR_FIELDS)
            report.editor = actor
            report.save()
            _event(report, actor, "edit", report.state, "编辑修改", fields=changed)
            return report
        if report.state in AUTHOR_EDITABLE_STATES:
            raise Conflict("请先开始编辑，再修改该信息。")
        raise Conflict(f"该信息当前状态为“{report.get_state_display()}”，不能修改。")


def opinion_attachment_add(*, actor, report: OpinionReport, upload) -> OpinionAttachment:
    with acting(actor), transaction.atomic():
        report = _lock(report)
        if not (has_role(actor, Role.MEMBER, Role.OFFICE) and is_owner(actor, report)):
            raise PermissionDenied("只有作者本人可以上传附件。")
        if report.state not in AUTHOR_EDITABLE_STATES:
            raise Conflict(f"该信息当前状态为“{report.get_state_display()}”，不能添加附件。")
        attachment = _store_attachment(report, actor, upload)
        _event(report, actor, "attach", report.state, attachment.original_name)
        return attachment


# --- the lifecycle -------------------------------------------------------------------------------


def opinion_submit(*, actor, report: OpinionReport) -> OpinionReport:
    with lifecycle_step(OPINION, "submit", actor, report, _lock) as report:
        if not (report.content or "").strip():
            raise ApplicationError("请填写信息内容后再提交。", errors={"content": ["此项不能为空。"]})
        report.submitted_at = timezone.now()
        return _move(report, actor, "submit")


def opinion_withdraw(*, actor, report: OpinionReport, note: str = "") -> OpinionReport:
    with lifecycle_step(OPINION, "withdraw", actor, report, _lock) as report:
        return _move(report, actor, "withdraw", note)


def opinion_start_editing(*, actor, report: OpinionReport, note: str = "") -> OpinionReport:
    with lifecycle_step(OPINION, "start_editing", actor, report, _lock) as report:
        report.original_title, report.original_content = report.title, report.content
        report.editor, report.editing_started_at = actor, timezone.now()
        return _move(report, actor, "start_editing", note)


def opinion_forward(*, actor, report: OpinionReport, note: str = "") -> OpinionReport:
    with lifecycle_step(OPINION, "forward", actor, report, _lock) as report:
        report.forwarded_at, report.forward_note = timezone.now(), note
        return _move(report, actor, "forward", note or "编报报送")


def opinion_adopt(
    *,
    actor,
    report: OpinionReport,
    level: str,
    publication: str,
    issue: str = "",
    date: dt.date | None = None,
    note: str = "",
) -> OpinionAdoption:
    require_choice(level, OpinionLevel.values, "level", "请选择采用层级：区、市、省或全国政协。", "请选择采用层级。")
    require_choice(
        publication, OpinionPublication.values, "publication", "请选择刊物：专报、简报或其他。", "请选择刊物。"
    )
    date = _past_or_today(date, "date", "采用日期")
    with lifecycle_step(OPINION, "adopt", actor, report, _lock) as report:
        if report.adoptions.filter(level=level).exists():
            raise Conflict(f"已登记过{LEVEL_BODY[level]}的采用。")
        adoption = OpinionAdoption.objects.create(
            report=report,
            level=level,
            publication=publication,
            issue=(issue or "").strip(),
            date=date,
            recorded_by=actor,
        )
        report.decided_at = timezone.now()
        summary = f"{adoption.body}{adoption.get_publication_display()}采用"
        if adoption.issue:
            summary += f"（{adoption.issue}）"
        _move(report, actor, "adopt", note or summary, level=level, adoption=adoption.pk)
        return adoption


def opinion_reject(*, actor, report: OpinionReport, note: str = "") -> OpinionReport:
    with lifecycle_step(OPINION, "reject", actor, report, _lock) as report:
        report.decided_at, report.reject_note = timezone.now(), (note or "").strip()
        return _move(report, actor, "reject", note or "未予采用")


def opinion_instruct(
    *,
    actor,
    report: OpinionReport,
    level: str,
    text: str,
    leader_name: str = "",
    post: str = "",
    date: dt.date | None = None,
) -> OpinionInstruction:
    require_choice(level, OpinionLevel.values, "level", "请选择批示领导的层级。", "请选择层级。")
    if not (leader_name or "").strip() and has_role(actor, Role.LEADER):
        leader_name = actor.get_full_name() or actor.username  # a leader records their own instruction
    leader_name = require_text(leader_name, "leader_name", "请填写批示领导姓名。")
    post = require_text(post, "post", "请填写批示领导职务。")
    text = require_text(text, "text", "请填写批示内容。")
    date = _past_or_today(date, "date", "批示日期")
    with lifecycle_step(OPINION, "instruct", actor, report, _lock) as report:
        instruction = OpinionInstruction.objects.create(
            report=report, leader_name=leader_name, post=post, level=level, date=date, text=text, recorded_by=actor
        )
        _move(report, actor, "instruct", f"{post}{leader_name}批示：{text[:60]}", instruction=instruction.pk)
        return instruction


def opinion_pass_to_units(*, actor, report: OpinionReport, units, note: str = "") -> list[OpinionReferral]:
    units = list(units or ())
    if not units:
        raise ApplicationError("请选择转交的部门。", errors={"units": ["请选择转交的部门。"]})
    if any(not u.is_active for u in units):
        raise ApplicationError("所选部门已停用。", errors={"units": ["所选部门已停用。"]})
    with lifecycle_step(OPINION, "pass_to_units", actor, report, _lock) as report:
        already = set(report.referrals.values_list("unit_id", flat=True))
        new = [u for u in dict.fromkeys(units) if u.pk not in already]
        if not new:
            raise ApplicationError("所选部门均已转交过。", errors={"units": ["所选部门均已转交过。"]})
        now = timezone.now()
        referrals = OpinionReferral.objects.bulk_create(
            [OpinionReferral(report=report, unit=u, note=note or "", passed_at=now, passed_by=actor) for u in new]
        )
        names = "、".join(u.name for u in new)
        _move(report, actor, "pass_to_units", f"转交{names}" + (f"：{note}" if note else ""), units=[u.pk for u in new])
        return referrals


def opinion_unit_feedback(*, actor, report: OpinionReport, unit: HandlingUnit, text: str) -> OpinionReferral:
    text = require_text(text, "text", "请填写反馈内容。")
    with lifecycle_step(OPINION, "unit_feedback", actor, report, _lock) as report:
        if unit is None or unit.pk not in user_unit_ids(actor):
            raise PermissionDenied("您只能以本单位的名义反馈。")
        referral = report.referrals.select_for_update().select_related("unit").filter(unit=unit).first()
        if referral is None:
            raise ApplicationError("该信息未转交此部门。", errors={"unit": ["该信息未转交此部门。"]})
        if referral.feedback_at:
            raise Conflict(f"{referral.unit.name}已反馈。")
        referral.feedback, referral.feedback_at, referral.feedback_by = text, timezone.now(), actor
        referral.save(update_fields=["feedback", "feedback_at", "feedback_by"])
        _move(report, actor, "unit_feedback", f"{referral.unit.name}反馈：{text[:60]}", unit=referral.unit_id)
        return referral


# --- from proposals --------------------------------------------------------------------------------


def _category_for(proposal_category) -> OpinionCategory:
    """经济建设 → 经济, 生态文明建设 → 生态 …; anything else → 其他."""
    name = proposal_category.name if proposal_category else ""
    for category in OpinionCategory.objects.filter(is_active=True):
        if category.name != FALLBACK_CATEGORY and name.startswith(category.name):
            return category
    return OpinionCategory.objects.get_or_create(name=FALLBACK_CATEGORY, defaults={"order": 60})[0]


def opinion_from_proposal(*, actor, proposal, note: str = "") -> OpinionReport:
    """A proposal converted in review (转社情民意) arrives in the office's queue as a submitted report.

    Called inside `proposals.services.proposal_convert`'s transaction, by `receivers.on_event_recorded`.
    Authors: the lead proposer and the co-signers who confirmed (an unanswered invitation is not a signature)."""
    if not has_role(actor, Role.OFFICE):
        raise PermissionDenied("只有机关工作人员可以将提案转为社情民意信息。")
    with acting(actor), transaction.atomic():
        if OpinionReport.objects.filter(proposal=proposal).exists():
            raise Conflict("该提案已转为社情民意信息。")
        parts = [(proposal.background or "").strip(), (proposal.suggestions or "").strip()]
        content = "\n\n".join(f"{label}：\n{text}" for label, text in zip(("案由", "建议"), parts, strict=True) if text)
        report = OpinionReport.objects.create(
            title=proposal.title,
            content=content,
            category=_category_for(proposal.category),
            state=OpinionState.SUBMITTED,
            proposal=proposal,
            created_by=proposal.created_by,
            submitted_at=timezone.now(),
        )
        cosigners = Member.objects.filter(
            cosignatures__proposal=proposal, cosignatures__confirmed_at__isnull=False
        ).order_by("cosignatures__id")
        _set_authors(report, proposal.lead_proposer, list(cosigners))
        label = proposal.number_display or proposal.title
        _event(
            report, actor, "convert", "", f"由提案“{label}”转来" + (f"：{note}" if note else ""), proposal=proposal.pk
        )
        return report
