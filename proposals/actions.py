"""Action payloads and their dispatch: the one path by which the API and the pages run a transition.

`perform(name, actor=…, proposal=…, data=…)` checks the role first (403 before payload errors),
validates the payload with the action's serializer (400 with field errors), then calls the service.
"""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from cppcc.errors import ApplicationError, PermissionDenied
from cppcc.limits import TEXT_MAX_LENGTH
from cppcc.roles import Role, has_role
from members.models import HandlingUnit

from . import services
from .models import Proposal, RejectReason, Reply, Satisfaction
from .workflow import TRANSITIONS


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="", label="说明")


class RequiredNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT_MAX_LENGTH, label="意见")


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


class UnitSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=HandlingUnit.objects.all(), label="承办单位")


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


class ApproveReplySerializer(UnitSerializer):
    approve = serializers.BooleanField(default=True, label="通过")
    result = serializers.ChoiceField(choices=Reply.Result.choices, required=False, allow_blank=True, default="")
    note = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="", label="审核意见"
    )


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


class FlagsSerializer(serializers.Serializer):
    is_key = serializers.BooleanField(required=False, label="重点提案")
    key_leader = serializers.PrimaryKeyRelatedField(queryset=_leaders(), required=False, allow_null=True)
    is_excellent = serializers.BooleanField(required=False, label="优秀提案")
    supervisor = serializers.PrimaryKeyRelatedField(queryset=_leaders(), required=False, allow_null=True)
    supervision_note = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True)


class EmptySerializer(serializers.Serializer):
    pass


def _unit_call(service):
    def call(*, actor, proposal, unit, **kwargs):
        return service(actor=actor, proposal=proposal, unit_id=unit.pk, **kwargs)

    return call


def _reply(*, actor, proposal, unit, attachment=None, **kwargs):
    return services.proposal_reply(actor=actor, proposal=proposal, unit_id=unit.pk, upload=attachment, **kwargs)


# name → (payload serializer, service)
ACTIONS = {
    "submit": (EmptySerializer, services.proposal_submit),
    "withdraw": (NoteSerializer, services.proposal_withdraw),
    "cosign": (EmptySerializer, services.proposal_cosign),
    "return_for_revision": (RequiredNoteSerializer, services.proposal_return_for_revision),
    "file": (NoteSerializer, services.proposal_file),
    "reject": (RejectSerializer, services.proposal_reject),
    "merge": (MergeSerializer, services.proposal_merge),
    "convert": (NoteSerializer, services.proposal_convert),
    "assign": (AssignSerializer, services.proposal_assign),
    "accept": (UnitSerializer, _unit_call(services.proposal_accept)),
    "return": (ReturnSerializer, _unit_call(services.proposal_return)),
    "reply": (ReplySerializer, _reply),
    "approve_reply": (ApproveReplySerializer, _unit_call(services.proposal_approve_reply)),
    "extend": (ExtendSerializer, _unit_call(services.proposal_extend)),
    "feedback": (FeedbackSerializer, services.proposal_feedback),
    "close": (NoteSerializer, services.proposal_close),
    "flags": (
        FlagsSerializer,
        lambda *, actor, proposal, **data: services.proposal_set_flags(actor=actor, proposal=proposal, data=data),
    ),
}
assert set(ACTIONS) == set(TRANSITIONS), "every transition needs a payload and a service"


def plain_payload(serializer_class, data) -> dict:
    """Form data (a QueryDict) as a plain dict: many-valued fields as lists, the rest as their last
    value, empty file inputs dropped. DRF reads a QueryDict as an HTML form and takes every boolean
    the form does not send as False — which would give a leader's flags form an `is_excellent` it may
    not set, or turn a missing `approve` into a refusal."""
    if not hasattr(data, "lists"):
        return data
    fields = serializer_class().fields
    many_types = (serializers.ManyRelatedField, serializers.ListField, serializers.MultipleChoiceField)
    many = {key for key, field in fields.items() if isinstance(field, many_types)}
    files = {key for key, field in fields.items() if isinstance(field, serializers.FileField)}
    return {
        key: (values if key in many else values[-1])
        for key, values in data.lists()
        if key not in ("csrfmiddlewaretoken", "next") and not (key in files and values[-1] in ("", None))
    }


def perform(name: str, *, actor, proposal: Proposal, data) -> None:
    if name not in ACTIONS:
        raise ApplicationError(f"未知的操作：{name}")
    transition = TRANSITIONS[name]
    if not has_role(actor, *transition.roles):
        raise PermissionDenied(f"您的角色无权对提案进行“{transition.label}”操作。")
    serializer_class, service = ACTIONS[name]
    serializer = serializer_class(data=plain_payload(serializer_class, data))
    serializer.is_valid(raise_exception=True)
    service(actor=actor, proposal=proposal, **serializer.validated_data)
