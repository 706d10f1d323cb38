from django.utils import timezone
from rest_framework import serializers

from activities.models import Attendance
from cppcc.drf_serializers import (
    EVENT_LEAD_FIELDS,
    EVENT_TAIL_FIELDS,
    ChoiceDisplayField,
    EventActorMixin,
    optional_text,
)
from cppcc.lifecycle import AllowedActionsMixin
from cppcc.limits import TEXT_MAX_LENGTH
from members.models import HandlingUnit, MemberGroup, SpecialCommittee

from .models import Inspection, InspectionEvent, Kind, Organiser, Recommendation, State
from .workflow import INSPECTION, RECOMMENDATION


def choice_text(choices, **kwargs) -> serializers.CharField:
    """A read-only code field documented with its values. States and kinds are shared names across the
    apps with different value sets; as plain strings they do not collide in the OpenAPI enums."""
    values = "；".join(f"`{value}` {label}" for value, label in choices)
    return serializers.CharField(read_only=True, help_text=values, **kwargs)


class BriefedUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = HandlingUnit
        fields = ["id", "name"]


class RecommendationSerializer(serializers.ModelSerializer):
    inspection_title = serializers.CharField(source="inspection.activity.title", read_only=True)
    inspection_type = choice_text(Kind.choices, source="inspection.kind")
    inspection_type_display = ChoiceDisplayField("inspection.kind")
    inspection_topic = serializers.CharField(source="inspection.topic", read_only=True)
    inspection_date = serializers.DateField(source="inspection.activity.start_date", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, default="")
    state = choice_text(Recommendation.State.choices)
    state_display = ChoiceDisplayField("state")
    adoption_display = ChoiceDisplayField("adoption")
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Recommendation
        fields = [
            "id", "inspection", "inspection_title", "inspection_type", "inspection_type_display", "inspection_topic",
            "inspection_date", "number", "text", "unit", "unit_name", "state", "state_display", "sent_at",
            "due_date", "extension_count", "is_overdue", "adoption", "adoption_display", "response_text",
            "responded_at",
        ]  # fmt: skip

    def get_is_overdue(self, obj) -> bool:
        return obj.state == Recommendation.State.SENT and obj.due_date < timezone.localdate()


class RecommendationDetailSerializer(AllowedActionsMixin, RecommendationSerializer):
    lifecycle = RECOMMENDATION

    class Meta(RecommendationSerializer.Meta):
        fields = [*RecommendationSerializer.Meta.fields, "allowed_actions", "blocked_actions"]


class RecommendationWriteSerializer(serializers.Serializer):
    inspection = serializers.PrimaryKeyRelatedField(queryset=Inspection.objects.all(), label="活动")
    text = serializers.CharField(max_length=TEXT_MAX_LENGTH, label="建议内容")
    unit = serializers.PrimaryKeyRelatedField(
        queryset=HandlingUnit.objects.filter(is_active=True), required=False, allow_null=True, label="承办单位"
    )


class RecommendationUpdateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, label="建议内容")
    unit = serializers.PrimaryKeyRelatedField(
        queryset=HandlingUnit.objects.filter(is_active=True), required=False, allow_null=True, label="承办单位"
    )


class InspectionListSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="activity.title", read_only=True)
    start_date = serializers.DateField(source="activity.start_date", read_only=True)
    end_date = serializers.DateField(source="activity.end_date", read_only=True, allow_null=True)
    place = serializers.CharField(source="activity.place", read_only=True)
    type = choice_text(Kind.choices, source="kind")
    type_display = ChoiceDisplayField("kind")
    organiser_display = ChoiceDisplayField("organiser")
    organiser_committee = serializers.IntegerField(
        source="activity.organiser_committee_id", read_only=True, allow_null=True
    )
    organiser_group = serializers.IntegerField(source="activity.organiser_group_id", read_only=True, allow_null=True)
    organiser_name = serializers.SerializerMethodField()
    state = choice_text(State.choices)
    state_display = ChoiceDisplayField("state")
    units_briefed = BriefedUnitSerializer(many=True, read_only=True)
    recommendation_count = serializers.IntegerField(read_only=True)
    responded_count = serializers.IntegerField(read_only=True)
    attended_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id", "activity", "type", "type_display", "title", "topic", "start_date", "end_date", "place",
            "organiser", "organiser_display", "organiser_committee", "organiser_group", "organiser_name", "state",
            "state_display", "units_briefed", "recommendation_count", "responded_count", "attended_count",
        ]  # fmt: skip

    def get_organiser_name(self, obj) -> str:
        body = obj.activity.organiser_committee or obj.activity.organiser_group
        return body.name if body else obj.get_organiser_display()


class InspectionDetailSerializer(AllowedActionsMixin, InspectionListSerializer):
    lifecycle = INSPECTION
    description = serializers.CharField(source="activity.description", read_only=True)
    recommendations = RecommendationSerializer(source="recommendation_rows", many=True, read_only=True)

    class Meta(InspectionListSerializer.Meta):
        fields = [
            *InspectionListSerializer.Meta.fields, "description", "findings", "held_at", "closed_at",
            "recommendations", "allowed_actions", "blocked_actions",
        ]  # fmt: skip


class InspectionWriteSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=Kind.choices, source="kind", label="类型")
    title = serializers.CharField(max_length=200, label="活动名称")
    topic = serializers.CharField(max_length=100, label="主题")
    start_date = serializers.DateField(label="开始日期")
    end_date = serializers.DateField(required=False, allow_null=True, label="结束日期")
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", label="地点")
    organiser = serializers.ChoiceField(choices=Organiser.choices, default=Organiser.STANDING, label="组织方")
    organiser_committee = serializers.PrimaryKeyRelatedField(
        queryset=SpecialCommittee.objects.all(), required=False, allow_null=True, label="组织专委会"
    )
    organiser_group = serializers.PrimaryKeyRelatedField(
        queryset=MemberGroup.objects.all(), required=False, allow_null=True, label="组织委员组"
    )
    description = optional_text("内容")
    units_briefed = serializers.PrimaryKeyRelatedField(
        queryset=HandlingUnit.objects.all(), many=True, required=False, label="听取汇报的部门"
    )
    findings = optional_text("发现的问题与情况")

    def validate(self, attrs):
        start, end = attrs.get("start_date"), attrs.get("end_date")
        if start and end and end < start:
            raise serializers.ValidationError({"end_date": ["结束日期不能早于开始日期。"]})
        return attrs


class ActivityAttendanceSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    sector = serializers.CharField(source="member.sector.name", read_only=True)
    status = choice_text(Attendance.Status.choices)
    status_display = ChoiceDisplayField("status")

    class Meta:
        model = Attendance
        fields = ["member", "member_name", "sector", "status", "status_display", "recorded_at"]


class ActivityAttendanceWriteSerializer(serializers.Serializer):
    entries = serializers.DictField(
        child=serializers.ChoiceField(choices=Attendance.Status.choices),
        allow_empty=False,
        label="出勤",
        help_text='{"委员id": "attended" | "signed_up" | "excused" | "absent"}',
    )

    def validate_entries(self, value):
        try:
            return {int(key): status for key, status in value.items()}
        except ValueError:
            raise serializers.ValidationError("委员编号应为整数。") from None


class ActivityAttendanceResultSerializer(serializers.Serializer):
    written = serializers.IntegerField()
    attendances = ActivityAttendanceSerializer(many=True)


class InspectionEventSerializer(EventActorMixin, serializers.ModelSerializer):
    recommendation_number = serializers.IntegerField(
        source="recommendation.number", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = InspectionEvent
        fields = [
            *EVENT_LEAD_FIELDS, "recommendation", "recommendation_number", "from_state", "to_state", *EVENT_TAIL_FIELDS,
        ]  # fmt: skip
