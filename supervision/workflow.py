"""The lifecycles of inspections and recommendations, declared once on the lifecycle engine
(cppcc/lifecycle.py): the services check them, the API generates its actions from them and the
pages show their buttons from `allowed()`.

    inspection:      planned ─hold (登记开展)→ held ─close (办结, once every recommendation is answered)→ closed
    recommendation:  draft ─send (交办, once the inspection is held)→ sent ─respond (反馈, the unit)→ responded
                     extend (延期) while sent
"""

from django.urls import reverse
from rest_framework import serializers

from activities.models import Attendance
from cppcc.lifecycle import Lifecycle, Scope, Todo, TodoItem, Transition, follow_up
from cppcc.limits import TEXT_MAX_LENGTH
from cppcc.roles import Role, audience, has_role
from members.models import HandlingUnit
from members.selectors import user_unit_ids

from .models import Adoption, InspectionEvent, Recommendation, State

R = Recommendation.State


# --- payloads --------------------------------------------------------------------------------------


class InspectionNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="", label="说明")


class InspectionHoldSerializer(InspectionNoteSerializer):
    findings = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="", label="发现的问题与情况"
    )


class RecommendationSendSerializer(InspectionNoteSerializer):
    unit = serializers.PrimaryKeyRelatedField(
        queryset=HandlingUnit.objects.all(), required=False, allow_null=True, label="承办单位"
    )
    due_date = serializers.DateField(required=False, allow_null=True, label="反馈期限")


class RecommendationExtendSerializer(InspectionNoteSerializer):
    due_date = serializers.DateField(label="新的反馈期限")


class RecommendationRespondSerializer(serializers.Serializer):
    adoption = serializers.ChoiceField(choices=Adoption.choices, label="采纳情况")
    text = serializers.CharField(max_length=TEXT_MAX_LENGTH, label="反馈内容")


# --- lifecycles ------------------------------------------------------------------------------------


def _inspection_blocked(user, inspection, name) -> str:
    if name == "hold" and not _attended(inspection):
        return "请先登记出席的委员，再登记活动已开展。"
    if name == "close":
        # Counts annotated by the selector; a row fetched otherwise (the service's locked row) is counted.
        if hasattr(inspection, "recommendation_count"):
            waiting = inspection.recommendation_count - inspection.responded_count
        else:
            waiting = inspection.recommendations.exclude(state=R.RESPONDED).count()
        if waiting:
            return f"尚有 {waiting} 条建议未交办或未反馈，全部反馈后可办结。"
    return ""


def _attended(inspection) -> bool:
    return Attendance.objects.filter(activity_id=inspection.activity_id, status=Attendance.Status.ATTENDED).exists()


INSPECTION = Lifecycle(
    "inspection",
    noun="该活动",
    services="supervision.services",
    obj_arg="inspection",
    transitions=[
        Transition("hold", "登记开展", (State.PLANNED,), State.HELD, (Role.OFFICE,),
                   payload=InspectionHoldSerializer, service="inspection_hold", success="已登记活动开展情况。"),
        Transition("close", "办结", (State.HELD,), State.CLOSED, (Role.OFFICE,),
                   payload=InspectionNoteSerializer, service="inspection_close", success="活动已办结。"),
    ],
    blocked=_inspection_blocked,
    event=lambda inspection, **fields: InspectionEvent.objects.create(inspection=inspection, **fields),
)  # fmt: skip


def _recommendations(user, states):
    from .selectors import recommendation_list

    return recommendation_list(user=user).filter(state__in=states).order_by("due_date", "id")


def _recommendation_blocked(user, recommendation, name) -> str:
    # Recommendations go out once the inspection has taken place.
    if name == "send" and recommendation.inspection.state != State.HELD:
        return "视察（调研）活动登记开展后方可交办建议。"
    return ""


def _recommendation_extra(user, recommendation) -> list[str]:
    return ["update"] if recommendation.state == R.DRAFT and has_role(user, Role.OFFICE) else []


RECOMMENDATION = Lifecycle(
    "recommendation",
    noun="建议",
    services="supervision.services",
    obj_arg="recommendation",
    transitions=[
        Transition("send", "交办", (R.DRAFT,), R.SENT, (Role.OFFICE,),
                   payload=RecommendationSendSerializer, service="recommendation_send", success="建议已交办。",
                   todo="交办视察建议"),
        Transition("extend", "延期", (R.SENT,), None, (Role.OFFICE,),
                   payload=RecommendationExtendSerializer, service="recommendation_extend", success="已延长反馈期限。"),
        Transition("respond", "反馈", (R.SENT,), R.RESPONDED, (Role.UNIT,), scope="unit",
                   payload=RecommendationRespondSerializer, service="recommendation_respond", success="已提交反馈。",
                   todo="反馈视察建议"),
    ],
    scopes={"unit": Scope(lambda user, r: r.unit_id in user_unit_ids(user), "该建议未交本单位办理。")},
    blocked=_recommendation_blocked,
    extra_actions=_recommendation_extra,
    event=lambda r, **fields: InspectionEvent.objects.create(inspection=r.inspection, recommendation=r, **fields),
    todo=Todo(
        records=lambda user, states: _recommendations(user, states),
        url=lambda r: reverse("supervision:recommendation", args=[r.pk]),
        audience=lambda r: audience(roles=(Role.OFFICE,), unit_ids=[r.unit_id] if r.unit_id else []),
        due=lambda user, r: r.due_date if r.unit_id in user_unit_ids(user) else None,
        title=lambda r: r.text[:60],
    ),
)  # fmt: skip

# The names the rest of the code used before the engine (kept for readers of the tables).
INSPECTION_TRANSITIONS = INSPECTION.transitions
RECOMMENDATION_TRANSITIONS = RECOMMENDATION.transitions


@follow_up(Role.OFFICE)
def overdue_responses(user) -> list[TodoItem]:
    """The office chases the recommendations whose department is past its answer deadline."""
    from django.utils import timezone

    overdue = _recommendations(user, {R.SENT}).filter(due_date__lt=timezone.localdate())
    return [
        RECOMMENDATION.follow_up_item(
            r, "催办逾期反馈", r.due_date, title=f"{r.text[:40]}（{r.unit.name if r.unit_id else '未指定单位'}）"
        )
        for r in overdue
    ]
