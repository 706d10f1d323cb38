from rest_framework import serializers

from cppcc.drf_serializers import (
    EVENT_LEAD_FIELDS,
    EVENT_TAIL_FIELDS,
    ChoiceDisplayField,
    EventActorMixin,
    optional_text,
    stored_file_serializer,
)
from cppcc.lifecycle import AllowedActionsMixin
from members.models import Member
from supervision.serializers import choice_text

from .models import (
    OpinionAdoption,
    OpinionAttachment,
    OpinionAuthor,
    OpinionCategory,
    OpinionEvent,
    OpinionInstruction,
    OpinionLevel,
    OpinionPublication,
    OpinionReferral,
    OpinionReport,
    OpinionState,
)
from .workflow import OPINION


class OpinionAuthorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = OpinionAuthor
        fields = ["member", "name", "is_lead"]


class OpinionAdoptionSerializer(serializers.ModelSerializer):
    level = choice_text(OpinionLevel.choices)
    level_display = serializers.CharField(source="body", read_only=True)
    publication = choice_text(OpinionPublication.choices)
    publication_display = ChoiceDisplayField("publication")

    class Meta:
        model = OpinionAdoption
        fields = ["id", "level", "level_display", "publication", "publication_display", "issue", "date"]


class OpinionInstructionSerializer(serializers.ModelSerializer):
    level = choice_text(OpinionLevel.choices)
    level_display = ChoiceDisplayField("level")

    class Meta:
        model = OpinionInstruction
        fields = ["id", "leader_name", "post", "level", "level_display", "date", "text"]


class OpinionReferralSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = OpinionReferral
        fields = ["id", "unit", "unit_name", "note", "passed_at", "feedback", "feedback_at"]


OpinionAttachmentSerializer = stored_file_serializer(OpinionAttachment, "opinions:attachment")


class OpinionListSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(source="category.name", read_only=True)
    state = choice_text(OpinionState.choices)
    state_display = ChoiceDisplayField("state")
    authors = OpinionAuthorSerializer(many=True, read_only=True)
    adoptions = OpinionAdoptionSerializer(many=True, read_only=True)
    instruction_count = serializers.IntegerField(read_only=True)
    referral_count = serializers.IntegerField(read_only=True)
    feedback_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = OpinionReport
        fields = [
            "id", "title", "category", "category_name", "state", "state_display", "proposal", "authors",
            "adoptions", "instruction_count", "referral_count", "feedback_count", "submitted_at", "forwarded_at",
            "decided_at", "created_at",
        ]  # fmt: skip


class OpinionDetailSerializer(AllowedActionsMixin, OpinionListSerializer):
    lifecycle = OPINION
    instructions = OpinionInstructionSerializer(many=True, read_only=True)
    referrals = OpinionReferralSerializer(many=True, read_only=True)
    attachments = OpinionAttachmentSerializer(many=True, read_only=True)

    class Meta(OpinionListSerializer.Meta):
        fields = [
            *OpinionListSerializer.Meta.fields, "content", "original_title", "original_content", "editor",
            "editing_started_at", "forward_note", "reject_note", "instructions", "referrals", "attachments",
            "allowed_actions", "blocked_actions",
        ]  # fmt: skip


class OpinionWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, label="标题")
    content = optional_text("内容")
    category = serializers.PrimaryKeyRelatedField(queryset=OpinionCategory.objects.filter(is_active=True), label="类别")
    lead_author = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects.filter(status=Member.Status.ACTIVE),
        required=False,
        allow_null=True,
        label="第一作者",
        help_text="机关工作人员代委员录入时必填；委员本人撰写时忽略",
    )
    coauthors = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects.filter(status=Member.Status.ACTIVE), many=True, required=False, label="联名委员"
    )


class OpinionEventSerializer(EventActorMixin, serializers.ModelSerializer):
    from_state = choice_text(OpinionState.choices)
    to_state = choice_text(OpinionState.choices)

    class Meta:
        model = OpinionEvent
        fields = [*EVENT_LEAD_FIELDS, "from_state", "to_state", *EVENT_TAIL_FIELDS]


class OpinionAttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(label="附件")
