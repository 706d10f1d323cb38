"""The lifecycles of the annual plan, its topics and their outcomes, declared once on the lifecycle
engine (cppcc/lifecycle.py): the services check them, the API generates its actions from them and the
pages show their buttons from `allowed()`.

    collected ─shortlist(汇题)→ shortlisted ─approve(定题)→ approved ─schedule→ scheduled ─hold→ held
        └──────────────┴───────────drop──────────────┴──────────────────┘                      │
                                                                          submit_outcome ◀─────┘
    outcome_submitted ─close (once every department has answered)→ closed

    outcome: submitted ─instruct(批办, leader)→ instructed ─assign(交办, office)→ assigned
             ─accept(承办, every unit)→ handling ─feedback(反馈, every unit)→ fed_back
             supervise(督办, office or leader) while assigned or handling
"""

from django.urls import reverse
from rest_framework import serializers

from activities.models import Attendance
from cppcc.lifecycle import Lifecycle, Scope, Todo, TodoItem, Transition, follow_up
from cppcc.limits import TEXT_MAX_LENGTH
from cppcc.roles import Role, audience, has_role
from members.models import HandlingUnit, SpecialCommittee
from supervision.models import Adoption
from supervision.workflow import user_unit_ids

from .filters import QUARTERS
from .models import PLANNED_STATES, ConsultationEvent, ConsultationOutcome, Form, OutcomeState, PlanState, TopicState

T, OS = TopicState, OutcomeState

EDITABLE_TOPIC_STATES = (T.COLLECTED, T.SHORTLISTED, T.APPROVED)
ACTIVITY_TOPIC_STATES = (T.SCHEDULED, T.HELD)  # further activities (visits, meetings) may be added


# --- payloads --------------------------------------------------------------------------------------


class ConsultationNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="", label="说明")


class PlanApproveSerializer(ConsultationNoteSerializer):
    approved_on = serializers.DateField(required=False, allow_null=True, label="审定日期")


class TopicPlanningSerializer(ConsultationNoteSerializer):
    """汇题 and 定题 may fix the form, the lead committee and the quarter on the way."""

    form = serializers.ChoiceField(choices=Form.choices, required=False, allow_blank=True, label="协商形式")
    lead_committee = serializers.PrimaryKeyRelatedField(
        queryset=SpecialCommittee.objects.all(), required=False, allow_null=True, label="牵头专委会"
    )
    planned_quarter = serializers.ChoiceField(choices=QUARTERS, required=False, allow_null=True, label="计划季度")


class TopicScheduleSerializer(ConsultationNoteSerializer):
    start_date = serializers.DateField(label="协商日期")
    end_date = serializers.DateField(required=False, allow_null=True, label="结束日期")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, label="活动名称")
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", label="地点")
    form = serializers.ChoiceField(choices=Form.choices, required=False, allow_blank=True, label="协商形式")
    units = serializers.PrimaryKeyRelatedField(
        queryset=HandlingUnit.objects.all(), many=True, required=False, label="参加部门"
    )
    description = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="", label="内容"
    )

    def validate(self, attrs):
        if attrs.get("end_date") and attrs["end_date"] < attrs["start_date"]:
            raise serializers.ValidationError({"end_date": ["结束日期不能早于开始日期。"]})
        return attrs


class TopicSubmitOutcomeSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", label="成果名称")
    report = serializers.CharField(max_length=TEXT_MAX_LENGTH, label="成果报告")
    recommendations = serializers.IntegerField(
        min_value=0,
        max_value=999,
        required=False,
        default=0,
        label="协商意见（条）",
        help_text="成果报告提出的意见建议条数，计入工作报告",
    )
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list, label="附件")


class TopicDropSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX_LENGTH, label="不予采用的理由")


class OutcomeInstructSerializer(serializers.Serializer):
    instruction = serializers.CharField(max_length=TEXT_MAX_LENGTH, label="批示意见")
    due_date = serializers.DateField(required=False, allow_null=True, label="办理期限")


class OutcomeAssignSerializer(ConsultationNoteSerializer):
    units = serializers.PrimaryKeyRelatedField(
        queryset=HandlingUnit.objects.all(), many=True, allow_empty=False, label="承办单位"
    )
    due_date = serializers.DateField(required=False, allow_null=True, label="反馈期限")


class OutcomeUnitSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(
        queryset=HandlingUnit.objects.all(), required=False, allow_null=True, label="承办单位",
        help_text="本账号只属于一个承办单位时可不填",
    )  # fmt: skip


class OutcomeSuperviseSerializer(OutcomeUnitSerializer):
    note = serializers.CharField(max_length=TEXT_MAX_LENGTH, label="督办意见")
    due_date = serializers.DateField(required=False, allow_null=True, label="新的反馈期限")


class OutcomeFeedbackSerializer(OutcomeUnitSerializer):
    adoption = serializers.ChoiceField(choices=Adoption.choices, label="采纳情况")
    content = serializers.CharField(max_length=TEXT_MAX_LENGTH, label="反馈内容")


def _selectors():
    # Read lazily: the selectors import this module's tables.
    from . import selectors

    return selectors


# --- the annual plan -------------------------------------------------------------------------------


def _plan_blocked(user, plan, name) -> str:
    if name == "approve" and not plan.topics.filter(state__in=PLANNED_STATES).exists():
        return "计划中还没有已定题的议题，定题后可审定。"
    return ""


PLAN = Lifecycle(
    "consultation_plan",
    noun="年度协商计划",
    services="consultations.services",
    obj_arg="plan",
    transitions=[
        Transition("approve", "审定计划", (PlanState.DRAFT,), PlanState.APPROVED, (Role.OFFICE,),
                   payload=PlanApproveSerializer, service="plan_approve", success="年度协商计划已审定。"),
    ],
    blocked=_plan_blocked,
    event=lambda plan, **fields: ConsultationEvent.objects.create(plan=plan, **fields),
)  # fmt: skip


# --- topics ----------------------------------------------------------------------------------------


def can_edit_topic(user, topic) -> bool:
    if topic.state not in EDITABLE_TOPIC_STATES:
        return False
    if has_role(user, Role.OFFICE):
        return True
    # A member may correct the topic they proposed while it is still only collected.
    return has_role(user, Role.MEMBER) and topic.state == T.COLLECTED and topic.created_by_id == user.pk


def _topic_blocked(user, topic, name) -> str:
    if name == "hold":
        attended = Attendance.objects.filter(activity__consultation__topic=topic, status=Attendance.Status.ATTENDED)
        if not attended.exists():
            return "请先登记出席协商活动的委员，再登记协商已举行。"
    if name == "close":
        outcome = ConsultationOutcome.objects.filter(topic=topic).first()
        if outcome is None or outcome.state != OS.FED_BACK:
            current = outcome.get_state_display() if outcome else "未报送"
            return f"协商成果尚未办理反馈完毕（当前：{current}），反馈完毕后可办结。"
    return ""


TOPIC = Lifecycle(
    "consultation_topic",
    noun="议题",
    services="consultations.services",
    obj_arg="topic",
    transitions=[
        Transition("shortlist", "汇题", (T.COLLECTED,), T.SHORTLISTED, (Role.OFFICE,),
                   payload=TopicPlanningSerializer, service="topic_shortlist", success="已汇题，列入计划建议稿。",
                   todo="审议征集的议题"),
        Transition("approve", "定题", (T.SHORTLISTED,), T.APPROVED, (Role.OFFICE,),
                   payload=TopicPlanningSerializer, service="topic_approve", success="已定题。", todo="定题"),
        Transition("schedule", "安排协商活动", (T.APPROVED,), T.SCHEDULED, (Role.OFFICE,),
                   payload=TopicScheduleSerializer, service="topic_schedule",
                   success="已安排协商活动，请登记参加委员。", todo="安排协商活动"),
        Transition("hold", "登记协商", (T.SCHEDULED,), T.HELD, (Role.OFFICE,),
                   payload=ConsultationNoteSerializer, service="topic_hold", success="已登记协商活动举行。"),
        Transition("submit_outcome", "报送成果", (T.HELD,), T.OUTCOME_SUBMITTED, (Role.OFFICE,),
                   payload=TopicSubmitOutcomeSerializer, service="topic_submit_outcome", success="已报送协商成果。",
                   todo="报送协商成果"),
        Transition("close", "办结", (T.OUTCOME_SUBMITTED,), T.CLOSED, (Role.OFFICE,),
                   payload=ConsultationNoteSerializer, service="topic_close", success="议题已办结。",
                   todo="办结议题"),
        Transition("drop", "不予采用", (T.COLLECTED, T.SHORTLISTED, T.APPROVED, T.SCHEDULED), T.DROPPED,
                   (Role.OFFICE,), payload=TopicDropSerializer, service="topic_drop", success="议题未予采用。"),
    ],
    blocked=_topic_blocked,
    extra_actions=lambda user, topic: ["update"] if can_edit_topic(user, topic) else [],
    # Reporting the outcome hands it to the leaders (批办).
    hands_on=lambda topic: [("consultation_outcome", ConsultationOutcome.objects.filter(topic=topic).first())],
    event=lambda topic, **fields: ConsultationEvent.objects.create(plan=topic.plan, topic=topic, **fields),
    todo=Todo(
        records=lambda user, states: _selectors().topic_list(user=user).filter(state__in=states).order_by("id"),
        url=lambda topic: reverse("consultations:topic", args=[topic.pk]),
        audience=lambda topic: audience(user_ids=[topic.created_by_id], roles=(Role.OFFICE,)),
        title=lambda topic: topic.title,
    ),
)  # fmt: skip


# --- outcomes and their processing chain ------------------------------------------------------------


def _assignments(outcome) -> list:
    """The outcome's assignments: prefetched by the selector (`assignment_rows`), or read on the locked row."""
    rows = getattr(outcome, "assignment_rows", None)
    return list(outcome.assignments.all()) if rows is None else rows


def my_assignments(user, outcome) -> list:
    """The outcome's assignments to the user's own units."""
    mine = user_unit_ids(user)
    return [a for a in _assignments(outcome) if a.unit_id in mine]


def _outcome_offered(user, outcome, name) -> bool:
    # A department signs while one of its assignments is unsigned, and answers once signed.
    if name == "accept":
        return any(a.accepted_at is None for a in my_assignments(user, outcome))
    if name == "feedback":
        return any(a.accepted_at and not a.fed_back_at for a in my_assignments(user, outcome))
    return True


OUTCOME = Lifecycle(
    "consultation_outcome",
    noun="协商成果",
    services="consultations.services",
    obj_arg="outcome",
    transitions=[
        Transition("instruct", "批办", (OS.SUBMITTED,), OS.INSTRUCTED, (Role.LEADER,),
                   payload=OutcomeInstructSerializer, service="outcome_instruct", success="已批办。",
                   todo="批办协商成果"),
        Transition("assign", "交办", (OS.INSTRUCTED,), OS.ASSIGNED, (Role.OFFICE,),
                   payload=OutcomeAssignSerializer, service="outcome_assign", success="已交办。", todo="交办协商成果"),
        # The state moves on once every department has signed (answered): the service decides.
        Transition("accept", "承办签收", (OS.ASSIGNED,), None, (Role.UNIT,), scope="unit",
                   payload=OutcomeUnitSerializer, service="outcome_accept", success="已签收承办。",
                   todo="签收协商成果"),
        Transition("supervise", "督办", (OS.ASSIGNED, OS.HANDLING), None, (Role.OFFICE, Role.LEADER),
                   payload=OutcomeSuperviseSerializer, service="outcome_supervise", success="已督办。"),
        Transition("feedback", "反馈", (OS.ASSIGNED, OS.HANDLING), None, (Role.UNIT,), scope="unit",
                   payload=OutcomeFeedbackSerializer, service="outcome_feedback", success="已提交办理反馈。",
                   todo="反馈成果办理情况"),
    ],
    scopes={"unit": Scope(lambda user, outcome: bool(my_assignments(user, outcome)), "该协商成果未交本单位办理。")},
    offered=_outcome_offered,
    # The last department's feedback lets the office close the topic (办结议题).
    hands_on=lambda outcome: [("consultation_topic", outcome.topic)],
    event=lambda outcome, **fields: ConsultationEvent.objects.create(
        plan=outcome.topic.plan, topic=outcome.topic, outcome=outcome, **fields
    ),
    todo=Todo(
        records=lambda user, states: _selectors().outcome_list(user=user).filter(state__in=states).order_by("id"),
        url=lambda outcome: reverse("consultations:outcome", args=[outcome.pk]),
        audience=lambda outcome: audience(
            roles=(Role.OFFICE, Role.LEADER), unit_ids=[a.unit_id for a in _assignments(outcome)]
        ),
        due=lambda user, outcome: min((a.due_date for a in my_assignments(user, outcome)), default=None),
        title=lambda outcome: outcome.topic.title,
    ),
)  # fmt: skip

# The names the rest of the code used before the engine (kept for readers of the tables).
PLAN_TRANSITIONS = PLAN.transitions
TOPIC_TRANSITIONS = TOPIC.transitions
OUTCOME_TRANSITIONS = OUTCOME.transitions


@follow_up(Role.OFFICE)
def overdue_outcome_feedback(user) -> list[TodoItem]:
    """The office chases the departments past their deadline for an outcome's feedback."""
    from django.utils import timezone

    today = timezone.localdate()
    late = (
        _selectors()
        .outcome_list(user=user)
        .filter(
            state__in=(OS.ASSIGNED, OS.HANDLING), assignments__fed_back_at__isnull=True, assignments__due_date__lt=today
        )
        .distinct()
        .order_by("id")
    )
    items = []
    for outcome in late:
        waiting = [a for a in outcome.assignment_rows if not a.fed_back_at and a.due_date < today]
        label = "催办逾期反馈（" + "、".join(a.unit.name for a in waiting) + "）"
        items.append(OUTCOME.follow_up_item(outcome, label, min((a.due_date for a in waiting), default=None)))
    return items
