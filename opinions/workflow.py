"""The lifecycle of a social-opinion report, declared once on the lifecycle engine
(cppcc/lifecycle.py): which action moves which state, who may take it, the payload it needs and the
service that carries it out. The services check it, the API generates its actions from it and the
detail page shows its forms from `OPINION.allowed()`.

    draft ─submit→ submitted ─start_editing→ editing ─forward (编报/报送)→ forwarded ─adopt→ adopted
      │withdraw       │withdraw                  │                           │          (adopt again at
      ▼               ▼                          │reject                     │reject     another level)
   withdrawn       withdrawn     submitted/editing/forwarded ─reject→ not_adopted

    instruct (批示) and pass_to_units (转交部门) while forwarded or adopted; unit_feedback by a
    department the report was passed to. These record, the state stays.
"""

from django.urls import reverse
from rest_framework import serializers

from cppcc.lifecycle import EmptyPayload, Lifecycle, Scope, Todo, Transition
from cppcc.limits import TEXT_MAX_LENGTH
from cppcc.roles import Role, audience, has_role
from members.models import HandlingUnit
from supervision.workflow import user_unit_ids

from .models import OpinionEvent, OpinionLevel, OpinionPublication
from .models import OpinionState as S

# --- payloads --------------------------------------------------------------------------------------


class OpinionNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="", label="说明")


class OpinionAdoptSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=OpinionLevel.choices, label="采用层级")
    publication = serializers.ChoiceField(choices=OpinionPublication.choices, label="刊物")
    issue = serializers.CharField(required=False, allow_blank=True, default="", max_length=50, label="期号")
    date = serializers.DateField(required=False, allow_null=True, default=None, label="采用日期", help_text="默认今天")
    note = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="", label="说明")


class OpinionInstructSerializer(serializers.Serializer):
    leader_name = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=50, label="批示领导", help_text="领导本人登记时可不填"
    )
    post = serializers.CharField(max_length=100, label="职务")
    level = serializers.ChoiceField(choices=OpinionLevel.choices, label="层级")
    date = serializers.DateField(required=False, allow_null=True, default=None, label="批示日期", help_text="默认今天")
    text = serializers.CharField(max_length=TEXT_MAX_LENGTH, label="批示内容")


class OpinionPassToUnitsSerializer(serializers.Serializer):
    units = serializers.PrimaryKeyRelatedField(
        queryset=HandlingUnit.objects.filter(is_active=True), many=True, label="转交部门"
    )
    note = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="", label="转交说明"
    )


class OpinionUnitFeedbackSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=HandlingUnit.objects.all(), label="反馈部门")
    text = serializers.CharField(max_length=TEXT_MAX_LENGTH, label="反馈内容")


# The author changes their text while it is a draft or waits in the queue; the office editor while editing.
AUTHOR_EDITABLE_STATES = (S.DRAFT, S.SUBMITTED)
EDITOR_EDITABLE_STATES = (S.EDITING,)


def is_owner(user, report) -> bool:
    """The lead author, or the person who entered the report (an office clerk for a member, or the
    member who wrote the proposal it was converted from). Uses the prefetched authors if present."""
    if report.created_by_id == user.pk:
        return True
    return any(a.is_lead and a.member.user_id == user.pk for a in report.authors.all())


def passed_unit_ids(report) -> set[int]:
    return {r.unit_id for r in report.referrals.all()}


def awaiting_feedback(user, report) -> bool:
    """A department of the user was passed the report and has not answered yet."""
    mine = user_unit_ids(user)
    return any(r.unit_id in mine and not r.feedback_at for r in report.referrals.all())


def can_update(user, report) -> bool:
    if report.state in AUTHOR_EDITABLE_STATES and has_role(user, Role.MEMBER, Role.OFFICE) and is_owner(user, report):
        return True
    return report.state in EDITOR_EDITABLE_STATES and has_role(user, Role.OFFICE)


# --- waiting work (the to-do centre and hand-off notices) -------------------------------------------


def _todo_records(user, states):
    from .selectors import opinion_list

    return (
        opinion_list(user=user)
        .filter(state__in=states)
        .prefetch_related("referrals")
        .order_by("submitted_at", "created_at", "id")
    )


def _audience(report):
    return audience(
        user_ids=[report.created_by_id, *report.authors.filter(is_lead=True).values_list("member__user_id", flat=True)],
        roles=(Role.OFFICE,),
        unit_ids=report.referrals.values_list("unit_id", flat=True),
    )


TODO = Todo(
    records=_todo_records,
    url=lambda report: reverse("opinions:detail", args=[report.pk]),
    audience=_audience,
    title=lambda report: report.title,
)

# --- the lifecycle ---------------------------------------------------------------------------------

OWNER = Role.MEMBER, Role.OFFICE

OPINION = Lifecycle(
    "opinion",
    noun="信息",
    services="opinions.services",
    obj_arg="report",
    transitions=[
        Transition("submit", "提交", (S.DRAFT,), S.SUBMITTED, OWNER, scope="owner",
                   payload=EmptyPayload, service="opinion_submit", success="已提交，等待机关编辑。",
                   todo="修改并提交信息"),
        Transition("withdraw", "撤回", (S.DRAFT, S.SUBMITTED), S.WITHDRAWN, OWNER, scope="owner",
                   payload=OpinionNoteSerializer, service="opinion_withdraw", success="已撤回。"),
        Transition("start_editing", "开始编辑", (S.SUBMITTED,), S.EDITING, (Role.OFFICE,),
                   payload=OpinionNoteSerializer, service="opinion_start_editing",
                   success="已开始编辑，可修改标题、内容和类别。", todo="编辑信息"),
        Transition("forward", "编报", (S.EDITING,), S.FORWARDED, (Role.OFFICE,),
                   payload=OpinionNoteSerializer, service="opinion_forward", success="已编报报送。", todo="编报报送"),
        Transition("adopt", "登记采用", (S.FORWARDED, S.ADOPTED), S.ADOPTED, (Role.OFFICE,),
                   payload=OpinionAdoptSerializer, service="opinion_adopt", success="已登记采用情况。"),
        Transition("reject", "不予采用", (S.SUBMITTED, S.EDITING, S.FORWARDED), S.NOT_ADOPTED, (Role.OFFICE,),
                   payload=OpinionNoteSerializer, service="opinion_reject", success="已登记为未采用。"),
        Transition("instruct", "登记批示", (S.FORWARDED, S.ADOPTED), None, (Role.OFFICE, Role.LEADER),
                   payload=OpinionInstructSerializer, service="opinion_instruct", success="已登记领导批示。"),
        Transition("pass_to_units", "转交部门", (S.FORWARDED, S.ADOPTED), None, (Role.OFFICE,),
                   payload=OpinionPassToUnitsSerializer, service="opinion_pass_to_units", success="已转交有关部门。"),
        Transition("unit_feedback", "部门反馈", (S.FORWARDED, S.ADOPTED), None, (Role.UNIT,), scope="unit",
                   payload=OpinionUnitFeedbackSerializer, service="opinion_unit_feedback", success="已提交反馈。",
                   todo="反馈处理情况"),
    ],
    scopes={
        # The lead author or whoever entered the report; staff of a department the report was passed to.
        "owner": Scope(is_owner, "只有作者本人可以{label}。"),
        "unit": Scope(lambda user, report: bool(passed_unit_ids(report) & user_unit_ids(user)), "该信息未转交本单位。"),
    },
    # A department answers once: its feedback is offered while its referral waits for one.
    offered=lambda user, report, name: name != "unit_feedback" or awaiting_feedback(user, report),
    extra_actions=lambda user, report: ["update"] if can_update(user, report) else [],
    event=lambda report, **fields: OpinionEvent.objects.create(report=report, **fields),
    todo=TODO,
    denied="您的角色无权对社情民意信息进行“{label}”操作。",
    conflict="该信息当前状态为“{state}”，不能{label}。",
)  # fmt: skip

# The name the rest of the code used before the engine (kept for readers of the tables).
OPINION_TRANSITIONS = OPINION.transitions
