"""Action payloads and their dispatch — the one path by which the API and the pages run a transition.

`perform(...)` checks the role first (403 before payload errors), validates the payload with the
action's serializer (400 with field errors), then calls the service (403/409 from the rules).
"""

from rest_framework import serializers

from cppcc.errors import ApplicationError, PermissionDenied
from cppcc.limits import TEXT_MAX_LENGTH
from cppcc.roles import has_role
from members.models import HandlingUnit

from . import services
from .models import Adoption
from .workflow import INSPECTION_TRANSITIONS, RECOMMENDATION_TRANSITIONS


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


# name → (payload serializer, service taking the object under `obj`)
INSPECTION_ACTIONS = {
    "hold": (InspectionHoldSerializer, lambda *, obj, **kw: services.inspection_hold(inspection=obj, **kw)),
    "close": (InspectionNoteSerializer, lambda *, obj, **kw: services.inspection_close(inspection=obj, **kw)),
}
RECOMMENDATION_ACTIONS = {
    "send": (RecommendationSendSerializer, lambda *, obj, **kw: services.recommendation_send(recommendation=obj, **kw)),
    "extend": (
        RecommendationExtendSerializer,
        lambda *, obj, **kw: services.recommendation_extend(recommendation=obj, **kw),
    ),
    "respond": (
        RecommendationRespondSerializer,
        lambda *, obj, **kw: services.recommendation_respond(recommendation=obj, **kw),
    ),
}
assert set(INSPECTION_ACTIONS) == set(INSPECTION_TRANSITIONS)
assert set(RECOMMENDATION_ACTIONS) == set(RECOMMENDATION_TRANSITIONS)

LIFECYCLES = {
    "inspection": ("该活动", INSPECTION_TRANSITIONS, INSPECTION_ACTIONS),
    "recommendation": ("建议", RECOMMENDATION_TRANSITIONS, RECOMMENDATION_ACTIONS),
}


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [text for value in detail.values() for text in _flatten(value)]
    if isinstance(detail, (list, tuple)):
        return [text for value in detail for text in _flatten(value)]
    return [str(detail)]


def validated(serializer_class, data) -> dict:
    """The payload's validated data, or a 400 whose message names the fields in Chinese
    ("反馈内容：该字段是必填项。"), so the pages can show it as it is."""
    serializer = serializer_class(data=data)
    if serializer.is_valid():
        return serializer.validated_data
    parts = []
    for key, errors in serializer.errors.items():
        field = serializer.fields.get(key)
        text = "".join(_flatten(errors))
        parts.append(f"{field.label}：{text}" if field is not None and field.label else text)
    raise ApplicationError("提交的数据有误：" + "；".join(parts), errors=serializer.errors)


def perform(kind: str, name: str, *, actor, obj, data):
    noun, transitions, actions = LIFECYCLES[kind]
    if name not in actions:
        raise ApplicationError(f"未知的操作：{name}")
    transition = transitions[name]
    if not has_role(actor, *transition.roles):
        raise PermissionDenied(f"您的角色无权对{noun}进行“{transition.label}”操作。")
    serializer_class, service = actions[name]
    return service(actor=actor, obj=obj, **validated(serializer_class, data))
