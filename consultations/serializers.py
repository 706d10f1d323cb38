from django.utils import timezone
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
from cppcc.limits import TEXT_MAX_LENGTH
from members.models import HandlingUnit, Member, SpecialCommittee
from proposals.models import Proposal
from supervision.serializers import choice_text

from .filters import QUARTERS
from .models import (
    ConsultationActivity,
    ConsultationEvent,
    ConsultationOutcome,
    ConsultationPlan,
    ConsultationTopic,
    Form,
    OutcomeAssignment,
    OutcomeFile,
    OutcomeState,
    PlanState,
    Source,
    Speech,
    TopicState,
)
from .workflow import OUTCOME, PLAN, TOPIC


def _user_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


class ConsultationUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = HandlingUnit
        fields = ["id", "name"]


# --- plans -----------------------------------------------------------------------------------------


class ConsultationPlanSerializer(serializers.ModelSerializer):
    state = choice_text(PlanState.choices)
    state_display = ChoiceDisplayField("state")
    topic_count = serializers.IntegerField(read_only=True)
    planned_count = serializers.IntegerField(read_only=True)
    held_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ConsultationPlan
        fields = [
            "id", "year", "title", "description", "state", "state_display", "approved_on", "approval_note",
            "topic_count", "planned_count", "held_count",
        ]  # fmt: skip


class ConsultationPlanDetailSerializer(AllowedActionsMixin, ConsultationPlanSerializer):
    lifecycle = PLAN

    class Meta(ConsultationPlanSerializer.Meta):
        fields = [*ConsultationPlanSerializer.Meta.fields, "allowed_actions", "blocked_actions"]


class ConsultationPlanWriteSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, label="年度")
    title = serializers.CharField(max_length=100, required=False, allow_blank=True, default="", label="名称")
    description = optional_text("说明")


# --- topics ----------------------------------------------------------------------------------------


class ConsultationTopicListSerializer(serializers.ModelSerializer):
    plan_year = serializers.IntegerField(source="plan.year", read_only=True)
    source_display = ChoiceDisplayField("source")
    form_display = ChoiceDisplayField("form")
    member_name = serializers.CharField(source="member.name", read_only=True, default="")
    proposal_number = serializers.CharField(source="proposal.number_display", read_only=True, default="")
    lead_committee_name = serializers.CharField(source="lead_committee.name", read_only=True, default="")
    state = choice_text(TopicState.choices)
    state_display = ChoiceDisplayField("state")
    activity_count = serializers.IntegerField(read_only=True)
    attended_count = serializers.IntegerField(read_only=True)
    outcome_state = choice_text(OutcomeState.choices, allow_null=True)

    class Meta:
        model = ConsultationTopic
        fields = [
            "id", "plan", "plan_year", "title", "source", "source_display", "suggested_by", "member", "member_name",
            "proposal", "proposal_number", "form", "form_display", "lead_committee", "lead_committee_name",
            "planned_quarter", "state", "state_display", "activity_count", "attended_count", "outcome_state",
        ]  # fmt: skip


class ConsultationActivityBriefSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="activity.title", read_only=True)
    start_date = serializers.DateField(source="activity.start_date", read_only=True)
    place = serializers.CharField(source="activity.place", read_only=True)
    attended_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ConsultationActivity
        fields = ["id", "activity", "title", "start_date", "place", "form", "attended_count"]


class ConsultationTopicDetailSerializer(AllowedActionsMixin, ConsultationTopicListSerializer):
    lifecycle = TOPIC
    activities = ConsultationActivityBriefSerializer(source="activity_rows", many=True, read_only=True)
    outcome = serializers.IntegerField(source="outcome_pk", read_only=True, allow_null=True)

    class Meta(ConsultationTopicListSerializer.Meta):
        fields = [
            *ConsultationTopicListSerializer.Meta.fields, "description", "decision_note", "drop_reason",
            "shortlisted_at", "approved_at", "held_at", "closed_at", "activities", "outcome", "allowed_actions",
            "blocked_actions",
        ]  # fmt: skip


class ConsultationTopicWriteSerializer(serializers.Serializer):
    plan = serializers.PrimaryKeyRelatedField(queryset=ConsultationPlan.objects.all(), label="年度计划")
    title = serializers.CharField(max_length=200, label="议题")
    description = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, label="议题说明")
    source = serializers.ChoiceField(
        choices=Source.choices, required=False, label="来源", help_text="委员提出时固定为“委员选题”"
    )
    suggested_by = serializers.CharField(max_length=100, required=False, allow_blank=True, label="提出方")
    member = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects.all(), required=False, allow_null=True, label="选题委员"
    )
    proposal = serializers.PrimaryKeyRelatedField(
        queryset=Proposal.objects.filter(number__isnull=False), required=False, allow_null=True, label="点题提案"
    )
    form = serializers.ChoiceField(choices=Form.choices, required=False, allow_blank=True, label="协商形式")
    lead_committee = serializers.PrimaryKeyRelatedField(
        queryset=SpecialCommittee.objects.all(), required=False, allow_null=True, label="牵头专委会"
    )
    planned_quarter = serializers.ChoiceField(choices=QUARTERS, required=False, allow_null=True, label="计划季度")


class ConsultationTopicUpdateSerializer(ConsultationTopicWriteSerializer):
    plan = None  # a topic stays in the plan it was collected for


# --- activities ------------------------------------------------------------------------------------


class ConsultationSpeechSerializer(serializers.ModelSerializer):
    speaker_display = serializers.CharField(read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, default="")

    class Meta:
        model = Speech
        fields = ["id", "member", "speaker", "speaker_display", "unit", "unit_name", "title", "summary", "created_at"]


class ConsultationSpeechWriteSerializer(serializers.Serializer):
    member = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects.all(), required=False, allow_null=True, label="发言委员"
    )
    speaker = serializers.CharField(max_length=100, required=False, allow_blank=True, default="", label="发言人")
    unit = serializers.PrimaryKeyRelatedField(
        queryset=HandlingUnit.objects.all(), required=False, allow_null=True, label="所在部门"
    )
    title = serializers.CharField(max_length=200, label="发言题目")
    summary = optional_text("发言摘要")


class ConsultationActivitySerializer(serializers.ModelSerializer):
    topic_title = serializers.CharField(source="topic.title", read_only=True)
    plan_year = serializers.IntegerField(source="topic.plan.year", read_only=True)
    title = serializers.CharField(source="activity.title", read_only=True)
    start_date = serializers.DateField(source="activity.start_date", read_only=True)
    end_date = serializers.DateField(source="activity.end_date", read_only=True, allow_null=True)
    place = serializers.CharField(source="activity.place", read_only=True)
    form_display = ChoiceDisplayField("form")
    organiser_committee_name = serializers.CharField(
        source="activity.organiser_committee.name", read_only=True, default=""
    )
    units = ConsultationUnitSerializer(many=True, read_only=True)
    attended_count = serializers.IntegerField(read_only=True)
    speech_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ConsultationActivity
        fields = [
            "id", "topic", "topic_title", "plan_year", "activity", "title", "start_date", "end_date", "place",
            "form", "form_display", "organiser_committee_name", "units", "attended_count", "speech_count",
        ]  # fmt: skip


class ConsultationActivityDetailSerializer(ConsultationActivitySerializer):
    description = serializers.CharField(source="activity.description", read_only=True)
    speeches = ConsultationSpeechSerializer(source="speech_rows", many=True, read_only=True)

    class Meta(ConsultationActivitySerializer.Meta):
        fields = [*ConsultationActivitySerializer.Meta.fields, "description", "summary", "speeches"]


class ConsultationActivityWriteSerializer(serializers.Serializer):
    topic = serializers.PrimaryKeyRelatedField(queryset=ConsultationTopic.objects.all(), label="协商议题")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, label="活动名称")
    start_date = serializers.DateField(label="日期")
    end_date = serializers.DateField(required=False, allow_null=True, label="结束日期")
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, label="地点")
    description = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, label="内容")
    form = serializers.ChoiceField(choices=Form.choices, required=False, allow_blank=True, label="协商形式")
    units = serializers.PrimaryKeyRelatedField(
        queryset=HandlingUnit.objects.all(), many=True, required=False, label="参加部门"
    )
    summary = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, label="会议纪要")

    def validate(self, attrs):
        start, end = attrs.get("start_date"), attrs.get("end_date")
        if start and end and end < start:
            raise serializers.ValidationError({"end_date": ["结束日期不能早于开始日期。"]})
        return attrs


class ConsultationActivityUpdateSerializer(ConsultationActivityWriteSerializer):
    topic = None


# --- outcomes --------------------------------------------------------------------------------------


class OutcomeAssignmentSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    adoption_display = ChoiceDisplayField("adoption")
    step = serializers.CharField(read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = OutcomeAssignment
        fields = [
            "id", "unit", "unit_name", "note", "assigned_at", "due_date", "accepted_at", "supervision_count",
            "adoption", "adoption_display", "feedback", "fed_back_at", "step", "is_overdue",
        ]  # fmt: skip

    def get_is_overdue(self, obj) -> bool:
        return obj.fed_back_at is None and obj.due_date < timezone.localdate()


OutcomeFileSerializer = stored_file_serializer(OutcomeFile, "consultations:outcome_file")


class OutcomeListSerializer(serializers.ModelSerializer):
    topic_title = serializers.CharField(source="topic.title", read_only=True)
    plan_year = serializers.IntegerField(source="topic.plan.year", read_only=True)
    form = serializers.CharField(source="topic.form", read_only=True)
    form_display = ChoiceDisplayField("topic.form")
    state = choice_text(OutcomeState.choices)
    state_display = ChoiceDisplayField("state")
    assignments = OutcomeAssignmentSerializer(source="assignment_rows", many=True, read_only=True)

    class Meta:
        model = ConsultationOutcome
        fields = [
            "id", "topic", "topic_title", "plan_year", "form", "form_display", "title", "state", "state_display",
            "recommendations", "submitted_at", "instructed_at", "instruction_due", "assignments",
        ]  # fmt: skip


class OutcomeDetailSerializer(AllowedActionsMixin, OutcomeListSerializer):
    lifecycle = OUTCOME
    instructed_by_name = serializers.SerializerMethodField()
    files = OutcomeFileSerializer(many=True, read_only=True)

    class Meta(OutcomeListSerializer.Meta):
        fields = [
            *OutcomeListSerializer.Meta.fields, "report", "instruction", "instructed_by_name", "files",
            "allowed_actions", "blocked_actions",
        ]  # fmt: skip

    def get_instructed_by_name(self, obj) -> str:
        return _user_name(obj.instructed_by)


class OutcomeFileUploadSerializer(serializers.Serializer):
    file = serializers.FileField(label="附件")


# --- events and attendance ---------------------------------------------------------------------------


class ConsultationEventSerializer(EventActorMixin, serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True, default="")

    class Meta:
        model = ConsultationEvent
        fields = [
            *EVENT_LEAD_FIELDS, "topic", "outcome", "unit", "unit_name", "from_state", "to_state", "deadline",
            *EVENT_TAIL_FIELDS,
        ]  # fmt: skip
