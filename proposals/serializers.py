from rest_framework import serializers

from cppcc.drf_serializers import (
    EVENT_LEAD_FIELDS,
    EVENT_TAIL_FIELDS,
    ChoiceDisplayField,
    EventActorMixin,
    stored_file_serializer,
)
from cppcc.lifecycle import AllowedActionsMixin
from members.models import Member

from .models import Assignment, Attachment, CoSigner, Proposal, ProposalEvent, Reply
from .selectors import contact_phone_for
from .workflow import PROPOSAL


class AssignmentBriefSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    role_display = ChoiceDisplayField("role")

    class Meta:
        model = Assignment
        fields = ["id", "unit", "unit_name", "role", "role_display", "due_date", "accepted_at", "return_deadline"]


class ProposalListSerializer(serializers.ModelSerializer):
    number_display = serializers.CharField(read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    state_display = ChoiceDisplayField("state")
    proposer = serializers.CharField(source="proposer_display", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    reply_overdue = serializers.BooleanField(read_only=True)
    feedback_overdue = serializers.BooleanField(read_only=True)
    units = AssignmentBriefSerializer(source="active_assignments", many=True, read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id", "term", "session", "number", "number_display", "title", "category", "category_name", "kind",
            "lead_proposer", "proposer", "state", "state_display", "is_key", "is_excellent", "supervisor",
            "is_overdue", "reply_overdue", "feedback_overdue", "submitted_at", "filed_at", "replied_at",
            "satisfaction", "units",
        ]  # fmt: skip


class CoSignerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = CoSigner
        fields = ["member", "name", "confirmed_at", "declined_at", "decline_reason"]


AttachmentSerializer = stored_file_serializer(Attachment, "proposals:attachment")


class ReplySerializer(serializers.ModelSerializer):
    result_display = ChoiceDisplayField("result")
    status_display = ChoiceDisplayField("status")
    attachment = AttachmentSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Reply
        fields = [
            "id", "round", "result", "result_display", "letter_number", "content", "contact_name", "contact_phone",
            "attachment", "submitted_at", "status", "status_display", "review_note", "reviewed_at",
        ]  # fmt: skip


class AssignmentSerializer(AssignmentBriefSerializer):
    replies = ReplySerializer(many=True, read_only=True)

    class Meta(AssignmentBriefSerializer.Meta):
        fields = [
            *AssignmentBriefSerializer.Meta.fields, "assigned_at", "max_due_date", "extension_count", "is_active",
            "returned_at", "return_reason", "replies",
        ]  # fmt: skip


class ProposalDetailSerializer(AllowedActionsMixin, ProposalListSerializer):
    lifecycle = PROPOSAL
    cosigners = CoSignerSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    assignments = AssignmentSerializer(source="all_assignments", many=True, read_only=True)
    reject_reason_display = ChoiceDisplayField("reject_reason")
    contact_phone = serializers.SerializerMethodField(help_text="联系电话；机关和提案人本人以外只见掩码")

    class Meta(ProposalListSerializer.Meta):
        fields = [
            *ProposalListSerializer.Meta.fields, "background", "suggestions", "contact_name", "contact_phone",
            "collective_party", "collective_sector", "collective_group", "collective_committee", "cosigners",
            "attachments", "assignments", "merged_into", "reject_reason", "reject_reason_display", "reject_note",
            "revision_note", "key_leader", "supervision_note", "feedback_comment", "feedback_at", "feedback_due",
            "rehandle_count", "closed_at", "allowed_actions", "blocked_actions",
        ]  # fmt: skip

    def get_contact_phone(self, obj) -> str:
        return contact_phone_for(user=self.context["request"].user, proposal=obj)


class ProposalWriteSerializer(serializers.ModelSerializer):
    cosigners = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects.filter(status=Member.Status.ACTIVE), many=True, required=False, label="附议委员"
    )

    class Meta:
        model = Proposal
        fields = [
            "term", "session", "title", "category", "background", "suggestions", "kind", "lead_proposer",
            "collective_party", "collective_sector", "collective_group", "collective_committee", "contact_name",
            "contact_phone", "cosigners",
        ]  # fmt: skip
        extra_kwargs = {"term": {"required": False}}


class ProposalEventSerializer(EventActorMixin, serializers.ModelSerializer):
    from_state_display = ChoiceDisplayField("from_state")
    to_state_display = ChoiceDisplayField("to_state")

    class Meta:
        model = ProposalEvent
        fields = [
            *EVENT_LEAD_FIELDS, "from_state", "from_state_display", "to_state", "to_state_display", *EVENT_TAIL_FIELDS,
        ]  # fmt: skip


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(label="附件")
