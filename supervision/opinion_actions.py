"""Action payloads and their dispatch — the one path by which the API and the pages run a transition
of a social-opinion report.

`perform(name, actor=…, report=…, data=…)` checks the role first (403 before payload errors),
validates the payload with the action's serializer (400 with field errors), then calls the service
(403/409 from the rules).
"""

from rest_framework import serializers

from cppcc.errors import ApplicationError, PermissionDenied
from cppcc.lifecycle import plain_payload
from cppcc.limits import TEXT_MAX_LENGTH
from cppcc.roles import has_role
from members.models import HandlingUnit

from . import opinion_services as services
from .opinion_models import OpinionLevel, OpinionPublication, OpinionReport
from .opinion_workflow import OPINION_TRANSITIONS


class OpinionEmptySerializer(serializers.Serializer):
    pass


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


def _feedback(*, actor, report, unit, text):
    return services.opinion_unit_feedback(actor=actor, report=report, unit_id=unit.pk, text=text)


# name → (payload serializer, service)
OPINION_ACTIONS = {
    "submit": (OpinionEmptySerializer, services.opinion_submit),
    "withdraw": (OpinionNoteSerializer, services.opinion_withdraw),
    "start_editing": (OpinionNoteSerializer, services.opinion_start_editing),
    "forward": (OpinionNoteSerializer, services.opinion_forward),
    "adopt": (OpinionAdoptSerializer, services.opinion_adopt),
    "reject": (OpinionNoteSerializer, services.opinion_reject),
    "instruct": (OpinionInstructSerializer, services.opinion_instruct),
    "pass_to_units": (OpinionPassToUnitsSerializer, services.opinion_pass_to_units),
    "unit_feedback": (OpinionUnitFeedbackSerializer, _feedback),
}
assert set(OPINION_ACTIONS) == set(OPINION_TRANSITIONS), "every transition needs a payload and a service"


def perform(name: str, *, actor, report: OpinionReport, data):
    if name not in OPINION_ACTIONS:
        raise ApplicationError(f"未知的操作：{name}")
    transition = OPINION_TRANSITIONS[name]
    if not has_role(actor, *transition.roles):
        raise PermissionDenied(f"您的角色无权对社情民意信息进行“{transition.label}”操作。")
    serializer_class, service = OPINION_ACTIONS[name]
    serializer = serializer_class(data=plain_payload(serializer_class, data))
    serializer.is_valid(raise_exception=True)
    return service(actor=actor, report=report, **serializer.validated_data)
