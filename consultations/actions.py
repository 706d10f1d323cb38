"""Action payloads and their dispatch — the one path by which the API and the pages run a transition.

`perform(kind, name, actor=…, obj=…, data=…)` checks the role first (403 before payload errors),
validates the payload with the action's serializer (400 with field errors), then calls the service
(403 for scope, 409 for state).
"""

from rest_framework import serializers

from cppcc.errors import ApplicationError, PermissionDenied
from cppcc.lifecycle import validated
from cppcc.limits import TEXT_MAX_LENGTH
from cppcc.roles import has_role
from members.models import HandlingUnit, SpecialCommittee
from supervision.models import Adoption

from . import services
from .filters import QUARTERS
from .models import Form
from .workflow import OUTCOME_TRANSITIONS, PLAN_TRANSITIONS, TOPIC_TRANSITIONS


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


def _call(service, param):
    def call(*, obj, **kwargs):
        return service(**{param: obj}, **kwargs)

    return call


PLAN_ACTIONS = {"approve": (PlanApproveSerializer, _call(services.plan_approve, "plan"))}
TOPIC_ACTIONS = {
    "shortlist": (TopicPlanningSerializer, _call(services.topic_shortlist, "topic")),
    "approve": (TopicPlanningSerializer, _call(services.topic_approve, "topic")),
    "schedule": (TopicScheduleSerializer, _call(services.topic_schedule, "topic")),
    "hold": (ConsultationNoteSerializer, _call(services.topic_hold, "topic")),
    "submit_outcome": (TopicSubmitOutcomeSerializer, _call(services.topic_submit_outcome, "topic")),
    "close": (ConsultationNoteSerializer, _call(services.topic_close, "topic")),
    "drop": (TopicDropSerializer, _call(services.topic_drop, "topic")),
}
OUTCOME_ACTIONS = {
    "instruct": (OutcomeInstructSerializer, _call(services.outcome_instruct, "outcome")),
    "assign": (OutcomeAssignSerializer, _call(services.outcome_assign, "outcome")),
    "accept": (OutcomeUnitSerializer, _call(services.outcome_accept, "outcome")),
    "supervise": (OutcomeSuperviseSerializer, _call(services.outcome_supervise, "outcome")),
    "feedback": (OutcomeFeedbackSerializer, _call(services.outcome_feedback, "outcome")),
}
assert set(PLAN_ACTIONS) == set(PLAN_TRANSITIONS)
assert set(TOPIC_ACTIONS) == set(TOPIC_TRANSITIONS)
assert set(OUTCOME_ACTIONS) == set(OUTCOME_TRANSITIONS)

LIFECYCLES = {
    "plan": ("年度协商计划", PLAN_TRANSITIONS, PLAN_ACTIONS),
    "topic": ("议题", TOPIC_TRANSITIONS, TOPIC_ACTIONS),
    "outcome": ("协商成果", OUTCOME_TRANSITIONS, OUTCOME_ACTIONS),
}


def perform(kind: str, name: str, *, actor, obj, data):
    noun, transitions, actions = LIFECYCLES[kind]
    if name not in actions:
        raise ApplicationError(f"未知的操作：{name}")
    transition = transitions[name]
    if not has_role(actor, *transition.roles):
        raise PermissionDenied(f"您的角色无权对{noun}进行“{transition.label}”操作。")
    serializer_class, service = actions[name]
    return service(actor=actor, obj=obj, **validated(serializer_class, data))
