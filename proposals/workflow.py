"""The proposal lifecycle, declared once on the lifecycle engine (cppcc/lifecycle.py): the services
check it, the API generates its actions from it, and the detail page shows its buttons from
`PROPOSAL.allowed()` — so "who may act now" is worked out here and nowhere else.

    draft ─submit→ submitted ─file→ filed ─assign→ assigned ─accept (every unit)→ handling
    handling ─reply (the units), approve_reply (the office, every required reply)→ replied
    replied ─feedback (satisfied) / close (feedback period over)→ closed
    replied ─feedback (unsatisfied, once)→ rehandling ─reply, approve_reply→ replied
    submitted ─return_for_revision→ draft; ─reject→ not_filed; ─merge→ merged; ─convert→ converted
    draft, submitted ─withdraw→ withdrawn;  assigned ─return (a unit)→ filed
    cosign or decline_cosign (an invited co-signer, once) while draft or submitted;
    extend (the office) while being handled, or a unit's request_extension decided (decide_extension);
    flags (重点/督办/优秀, office and leaders) from filing on.

Who among a role's holders may act on one proposal (scopes): its proposer ("owner"); for the
feedback also the office, recording it for the member; an invited co-signer; the staff of a unit
it is assigned to. An action is offered only when there is something to act on (a unit that has
not signed, a reply waiting for review…); the services refuse the rest with 409.
"""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from cppcc.lifecycle import Lifecycle, Scope, Todo, TodoItem, Transition, follow_up
from cppcc.limits import TEXT_MAX_LENGTH
from cppcc.roles import Role, audience, has_role
from members.models import HandlingUnit
from members.selectors import user_unit_ids

from .models import Assignment, Proposal, ProposalEvent, RejectReason, Reply, Satisfaction, State

# --- payloads ---------------------------------------------------------------------------------------
# Each serializer's validated data are the keyword arguments of the transition's service.


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="", label="说明")


class RequiredNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT_MAX_LENGTH, label="意见")


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, label="谢绝理由")


class RejectSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=RejectReason.choices, label="不立案理由")
    note = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="", label="说明")


class MergeSerializer(serializers.Serializer):
    into = serializers.PrimaryKeyRelatedField(queryset=Proposal.objects.all(), label="并入提案")
    note = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="")


def _units():
    return HandlingUnit.objects.filter(is_active=True)


class AssignSerializer(serializers.Serializer):
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=_units(), required=False, allow_null=True, label="主办单位")
    co_units = serializers.PrimaryKeyRelatedField(queryset=_units(), many=True, required=False, label="会办单位")
    split_units = serializers.PrimaryKeyRelatedField(queryset=_units(), many=True, required=False, label="分办单位")
    note = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs.get("lead_unit") and attrs.get("split_units"):
            raise serializers.ValidationError({"split_units": ["主办与分办不能同时指定。"]})
        if not attrs.get("lead_unit") and not attrs.get("split_units"):
            raise serializers.ValidationError({"lead_unit": ["请指定主办单位或分办单位。"]})
        if attrs.get("co_units") and not attrs.get("lead_unit"):
            raise serializers.ValidationError({"co_units": ["会办单位须配合主办单位。"]})
        return attrs


# An action taken for one of the assigned units: the service takes its id (`unit_id`). (Comments, not
# docstrings, on the payloads: a docstring would become the schema's description.)
class UnitSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=HandlingUnit.objects.all(), label="承办单位")

    def validate(self, attrs):
        attrs["unit_id"] = attrs.pop("unit").pk
        return attrs


class ReturnSerializer(UnitSerializer):
    reason = serializers.CharField(max_length=TEXT_MAX_LENGTH, label="退回理由")


def _reply_column(name: str) -> serializers.CharField:
    """An optional short field of the reply, bounded by its column (a longer value would be a 500)."""
    field = Reply._meta.get_field(name)
    return serializers.CharField(
        max_length=field.max_length, required=False, allow_blank=True, default="", label=field.verbose_name
    )


class ReplySerializer(UnitSerializer):
    result = serializers.ChoiceField(choices=Reply.Result.choices, label="办理结果")
    content = serializers.CharField(max_length=TEXT_MAX_LENGTH, label="答复内容")
    letter_number = _reply_column("letter_number")
    contact_name = _reply_column("contact_name")
    contact_phone = _reply_column("contact_phone")
    attachment = serializers.FileField(required=False, allow_null=True, label="答复函附件")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        attrs["upload"] = attrs.pop("attachment", None)
        return attrs


class ApproveReplySerializer(UnitSerializer):
    approve = serializers.BooleanField(default=True, label="通过")
    result = serializers.ChoiceField(choices=Reply.Result.choices, required=False, allow_blank=True, default="")
    note = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="", label="审核意见"
    )


class RequestExtensionSerializer(UnitSerializer):
    due_date = serializers.DateField(label="申请延至")
    reason = serializers.CharField(max_length=TEXT_MAX_LENGTH, label="延期理由")


class DecideExtensionSerializer(UnitSerializer):
    approve = serializers.BooleanField(default=True, label="同意")
    due_date = serializers.DateField(required=False, allow_null=True, default=None, label="延至（默认按申请）")
    note = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="", label="意见")


class ExtendSerializer(UnitSerializer):
    due_date = serializers.DateField(label="新的答复期限")
    note = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="")


class FeedbackSerializer(serializers.Serializer):
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices, label="评价")
    comment = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="", label="意见"
    )


def _leaders():
    return get_user_model().objects.filter(groups__name=Role.LEADER)


# Only the flags sent are set (the service refuses those the role may not set): `data`.
class FlagsSerializer(serializers.Serializer):
    is_key = serializers.BooleanField(required=False, label="重点提案")
    key_leader = serializers.PrimaryKeyRelatedField(queryset=_leaders(), required=False, allow_null=True)
    is_excellent = serializers.BooleanField(required=False, label="优秀提案")
    supervisor = serializers.PrimaryKeyRelatedField(queryset=_leaders(), required=False, allow_null=True)
    supervision_note = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True)

    def validate(self, attrs):
        return {"data": attrs}


# --- what there is to act on ---------------------------------------------------------------------------
# Read from what `selectors.proposal_get` prefetched (cosigners with their members, assignments with
# their units and replies); a proposal fetched otherwise (a service's locked row) is asked the database.


def _current_round(proposal) -> int:
    return proposal.rehandle_count + 1


def active_assignments(proposal) -> list[Assignment]:
    assignments = getattr(proposal, "all_assignments", None)
    if assignments is None:
        assignments = proposal.assignments.select_related("unit").prefetch_related("replies")
    return [a for a in assignments if a.is_active]


def _my_assignments(user, proposal) -> list[Assignment]:
    if not has_role(user, Role.UNIT):
        return []
    mine = user_unit_ids(user)
    return [a for a in active_assignments(proposal) if a.unit_id in mine]


def unsigned_assignments(user, proposal) -> list[Assignment]:
    """The user's units that have not signed for the proposal yet (accept or return)."""
    return [a for a in _my_assignments(user, proposal) if not a.accepted_at]


def _answered(assignment, current: int) -> bool:
    """The unit has answered this round (a reply sent back for revision counts as none)."""
    return any(r.round == current and r.status != Reply.Status.SENT_BACK for r in assignment.replies.all())


def awaited_co_units(proposal) -> list[Assignment]:
    """The co-units (会办) whose opinion of this round the lead unit still waits for before it replies."""
    current = _current_round(proposal)
    return [a for a in active_assignments(proposal) if a.role == Assignment.Role.CO and not _answered(a, current)]


def awaiting_co_units_text(missing: list[Assignment]) -> str:
    names = "、".join(a.unit.name for a in missing)
    return f"会办单位{names}尚未提出会办意见，收到后可答复。"


def _signed_unanswered(user, proposal) -> list[Assignment]:
    current = _current_round(proposal)
    return [a for a in _my_assignments(user, proposal) if a.accepted_at and not _answered(a, current)]


def replying_assignments(user, proposal) -> list[Assignment]:
    """The user's units that have signed, not answered this round and may answer now: a lead unit once
    every co-unit has given its opinion."""
    waiting = bool(awaited_co_units(proposal))
    return [a for a in _signed_unanswered(user, proposal) if not (waiting and a.role == Assignment.Role.LEAD)]


def return_window_closed(assignment) -> str:
    """Why the unit can no longer return the proposal ("" while it can)."""
    if timezone.localdate() > assignment.return_deadline:
        return f"已超过退回期限（{assignment.return_deadline:%Y年%m月%d日}），请与提案委员会协商。"
    return ""


def feedback_period_open(proposal) -> str:
    """Why the office cannot close a replied proposal yet ("" once it can)."""
    if proposal.feedback_due and timezone.localdate() <= proposal.feedback_due:
        return f"评价期限（{proposal.feedback_due:%Y年%m月%d日}）未到，委员尚可评价；期满后可办结。"
    return ""


def extension_requests(proposal) -> list[Assignment]:
    """The units' requests for more time waiting for the office's decision."""
    return [a for a in active_assignments(proposal) if a.extension_requested_at]


def extension_requestable(user, proposal) -> list[Assignment]:
    """The user's units that may still ask for more time: not answered this round, no request waiting."""
    current = _current_round(proposal)
    return [a for a in _my_assignments(user, proposal) if not a.extension_requested_at and not _answered(a, current)]


def pending_replies(proposal) -> list[tuple[Assignment, Reply]]:
    """The replies of this round waiting for the office's review, with their assignments."""
    current = _current_round(proposal)
    return [
        (a, r)
        for a in active_assignments(proposal)
        for r in a.replies.all()
        if r.round == current and r.status == Reply.Status.PENDING
    ]


def _cosignature(user, proposal, *, pending: bool) -> bool:
    if "cosigners" in getattr(proposal, "_prefetched_objects_cache", {}):
        return any(
            c.member.user_id == user.pk and not (pending and (c.confirmed_at or c.declined_at))
            for c in proposal.cosigners.all()
        )
    cosigners = proposal.cosigners.filter(member__user=user)
    return (cosigners.filter(confirmed_at__isnull=True, declined_at__isnull=True) if pending else cosigners).exists()


# --- the lifecycle ------------------------------------------------------------------------------------

OWNER_ONLY = "只有提案人本人可以{label}。"
SCOPES = {
    "owner": Scope(lambda user, p: p.is_owned_by(user), OWNER_ONLY),
    # The office may record the member's feedback for them.
    "feedback": Scope(lambda user, p: p.is_owned_by(user) or has_role(user, Role.OFFICE), OWNER_ONLY),
    "cosigner": Scope(lambda user, p: _cosignature(user, p, pending=False), "您不在该提案的附议人之列。"),
    "unit": Scope(lambda user, p: bool(_my_assignments(user, p)), "该提案未交本单位办理。"),
}

OFFERED = {
    "cosign": lambda user, p: _cosignature(user, p, pending=True),
    "decline_cosign": lambda user, p: _cosignature(user, p, pending=True),
    "accept": lambda user, p: bool(unsigned_assignments(user, p)),
    "return": lambda user, p: bool(unsigned_assignments(user, p)),
    "reply": lambda user, p: bool(_signed_unanswered(user, p)),
    "approve_reply": lambda user, p: bool(pending_replies(p)),
    "extend": lambda user, p: bool(active_assignments(p)),
    "request_extension": lambda user, p: bool(extension_requestable(user, p)),
    "decide_extension": lambda user, p: bool(extension_requests(p)),
}


def _offered(user, proposal, name) -> bool:
    return name not in OFFERED or OFFERED[name](user, proposal)


def _blocked_reply(user, proposal) -> str:
    # Offered (something is signed and unanswered) but nothing may be answered yet: the lead waits.
    if replying_assignments(user, proposal) or not _signed_unanswered(user, proposal):
        return ""
    return awaiting_co_units_text(awaited_co_units(proposal))


def _blocked_return(user, proposal) -> str:
    reasons = [return_window_closed(a) for a in unsigned_assignments(user, proposal)]
    return reasons[0] if reasons and all(reasons) else ""


BLOCKED = {
    "reply": _blocked_reply,
    "return": _blocked_return,
    "close": lambda user, proposal: feedback_period_open(proposal),
}


def _blocked(user, proposal, name) -> str:
    return BLOCKED[name](user, proposal) if name in BLOCKED else ""


EDITABLE_STATES = (State.DRAFT,)


def _extra(user, proposal) -> list[str]:
    # A draft is changed by whoever may submit it.
    editable = proposal.state in EDITABLE_STATES and has_role(user, Role.MEMBER, Role.OFFICE)
    return ["update"] if editable and proposal.is_owned_by(user) else []


# --- waiting work (the to-do centre and hand-off notices) ---------------------------------------------


def _todo_records(user, states):
    from django.db.models import Prefetch

    from .models import CoSigner
    from .selectors import proposal_list

    return (
        proposal_list(user=user)
        .filter(state__in=states)
        .prefetch_related(
            Prefetch("cosigners", queryset=CoSigner.objects.select_related("member")),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("unit").prefetch_related("replies"),
                to_attr="all_assignments",
            ),
        )
        .order_by("submitted_at", "created_at", "id")
    )


def _todo_due(user, proposal):
    """A unit's answer deadline; the proposer's feedback deadline once replied."""
    mine = _my_assignments(user, proposal)
    if mine:
        return min(a.due_date for a in mine)
    if proposal.state == State.REPLIED and proposal.is_owned_by(user):
        return proposal.feedback_due
    return None


def _todo_label(user, proposal, transition) -> str:
    """A co-unit's reply is its opinion for the lead unit; a proposal a unit sent back is assigned again."""
    if transition.name == "reply":
        mine = replying_assignments(user, proposal)
        if mine and all(a.role == Assignment.Role.CO for a in mine):
            return "提出会办意见"
    if transition.name == "assign":
        assignments = getattr(proposal, "all_assignments", None)
        if assignments is None:
            assignments = proposal.assignments.all()
        if any(a.returned_at for a in assignments):
            return "重新交办（单位申请退回）"
    return transition.todo


def _audience(proposal):
    from .models import CoSigner

    return audience(
        user_ids=[
            proposal.created_by_id,
            proposal.lead_proposer.user_id if proposal.lead_proposer_id else None,
            *CoSigner.objects.filter(proposal=proposal).values_list("member__user_id", flat=True),
        ],
        roles=(Role.OFFICE,),
        unit_ids=Assignment.objects.filter(proposal=proposal, is_active=True).values_list("unit_id", flat=True),
    )


TODO = Todo(
    records=_todo_records,
    url=lambda proposal: reverse("proposals:detail", args=[proposal.pk]),
    audience=_audience,
    due=_todo_due,
    title=lambda proposal: proposal.title,
    label=_todo_label,
)

# The timeline's note of a conversion when the office gave none (`opinions` tells it from a note given).
CONVERT_NOTE = "转为社情民意信息"

S = State
PROPOSAL = Lifecycle(
    "proposal",
    noun="提案",
    services="proposals.services",
    obj_arg="proposal",
    transitions=[
        Transition("submit", "提交", (S.DRAFT,), S.SUBMITTED, (Role.MEMBER, Role.OFFICE), scope="owner",
                   service="proposal_submit", success="已提交，等待提案委员会审查。", todo="修改并提交提案"),
        Transition("withdraw", "撤回", (S.DRAFT, S.SUBMITTED), S.WITHDRAWN, (Role.MEMBER, Role.OFFICE), scope="owner",
                   payload=NoteSerializer, service="proposal_withdraw", success="已撤回提案。"),
        Transition("cosign", "确认附议", (S.DRAFT, S.SUBMITTED), None, (Role.MEMBER,), scope="cosigner",
                   service="proposal_cosign", success="已确认附议。", todo="确认附议"),
        Transition("decline_cosign", "谢绝附议", (S.DRAFT, S.SUBMITTED), None, (Role.MEMBER,), scope="cosigner",
                   payload=DeclineSerializer, service="proposal_decline_cosign", success="已谢绝附议。"),
        Transition("return_for_revision", "退回补充", (S.SUBMITTED,), S.DRAFT, (Role.OFFICE,),
                   payload=RequiredNoteSerializer, service="proposal_return_for_revision",
                   success="已退回提案人补充。"),
        Transition("file", "立案", (S.SUBMITTED,), S.FILED, (Role.OFFICE,),
                   payload=NoteSerializer, service="proposal_file", todo="审查提案"),  # success: the number (views)
        Transition("reject", "不予立案", (S.SUBMITTED,), S.NOT_FILED, (Role.OFFICE,),
                   payload=RejectSerializer, service="proposal_reject", success="已作不予立案处理。"),
        Transition("merge", "并案", (S.SUBMITTED,), S.MERGED, (Role.OFFICE,),
                   payload=MergeSerializer, service="proposal_merge", success="已并案。"),
        Transition("convert", "转社情民意", (S.SUBMITTED,), S.CONVERTED, (Role.OFFICE,),
                   payload=NoteSerializer, service="proposal_convert", success="已转为社情民意信息。"),
        Transition("assign", "交办", (S.FILED,), S.ASSIGNED, (Role.OFFICE,),
                   payload=AssignSerializer, service="proposal_assign", success="已交办。", todo="交办提案"),
        Transition("accept", "签收", (S.ASSIGNED,), None, (Role.UNIT,), scope="unit",  # handling once all signed
                   payload=UnitSerializer, service="proposal_accept", success="已签收。", todo="签收交办"),
        Transition("return", "申请退回", (S.ASSIGNED,), S.FILED, (Role.UNIT,), scope="unit",
                   payload=ReturnSerializer, service="proposal_return", success="已申请退回，提案委员会将重新交办。"),
        Transition("reply", "答复", (S.HANDLING, S.REHANDLING), None, (Role.UNIT,), scope="unit",
                   payload=ReplySerializer, service="proposal_reply", success="已提交答复。", todo="答复提案"),
        Transition("approve_reply", "审核答复", (S.HANDLING, S.REHANDLING), None, (Role.OFFICE,),  # replied once all
                   payload=ApproveReplySerializer, service="proposal_approve_reply",  # success: by the verdict
                   todo="审核答复"),
        Transition("extend", "延期", (S.ASSIGNED, S.HANDLING, S.REHANDLING), None, (Role.OFFICE,),
                   payload=ExtendSerializer, service="proposal_extend", success="已延期。"),
        Transition("request_extension", "申请延期", (S.ASSIGNED, S.HANDLING, S.REHANDLING), None, (Role.UNIT,),
                   scope="unit", payload=RequestExtensionSerializer, service="proposal_request_extension",
                   success="已申请延期，等待提案委员会审批。"),
        Transition("decide_extension", "审批延期申请", (S.ASSIGNED, S.HANDLING, S.REHANDLING), None, (Role.OFFICE,),
                   payload=DecideExtensionSerializer, service="proposal_decide_extension",
                   success="已审批延期申请。", todo="审批延期申请"),
        Transition("feedback", "评价", (S.REPLIED,), None, (Role.MEMBER, Role.OFFICE), scope="feedback",
                   payload=FeedbackSerializer, service="proposal_feedback", success="已提交评价。", todo="评价办理结果",
                   todo_roles=(Role.MEMBER,)),
        Transition("close", "办结", (S.REPLIED,), S.CLOSED, (Role.OFFICE,),
                   payload=NoteSerializer, service="proposal_close", success="已办结。"),
        Transition("flags", "重点/督办/优秀", (S.FILED, S.ASSIGNED, S.HANDLING, S.REPLIED, S.REHANDLING, S.CLOSED),
                   None, (Role.OFFICE, Role.LEADER),
                   payload=FlagsSerializer, service="proposal_set_flags", success="已保存重点/督办/优秀标记。"),
    ],
    scopes=SCOPES,
    offered=_offered,
    blocked=_blocked,
    extra_actions=_extra,
    event=lambda proposal, **fields: ProposalEvent.objects.create(proposal=proposal, **fields),
    todo=TODO,
)  # fmt: skip


@follow_up(Role.LEADER)
def leader_watch(user) -> list[TodoItem]:
    """A leader's follow-ups: the open proposals they lead (重点提案牵头领导) or supervise (督办领导), and every
    proposal whose answer or feedback is overdue."""
    from django.db.models import Q

    from .models import OPEN_STATES
    from .selectors import proposal_list

    watched = (
        proposal_list(user=user)
        .filter(state__in=OPEN_STATES)
        .filter(Q(key_leader=user) | Q(supervisor=user) | Q(is_overdue=True))
        .order_by("filed_at", "id")
    )
    items = []
    for proposal in watched:
        if proposal.key_leader_id == user.pk:
            label = "督办重点提案"
        elif proposal.supervisor_id == user.pk:
            label = "督办提案"
        else:
            label = "逾期未办结"
        answers = [a.due_date for a in proposal.active_assignments if a.role != Assignment.Role.CO]
        due = proposal.feedback_due if proposal.state == State.REPLIED else min(answers, default=None)
        items.append(PROPOSAL.follow_up_item(proposal, label, due))
    return items


# The name the rest of the code read the table by before the engine.
TRANSITIONS = PROPOSAL.transitions
