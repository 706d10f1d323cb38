"""Serializers of the activity and attendance API."""

from rest_framework import serializers

from cppcc.drf_serializers import ChoiceDisplayField
from members.models import Member

from .forms import MANAGED_KINDS, ActivityForm
from .models import Activity, Attendance


def code_field(choices, **kwargs) -> serializers.CharField:
    """A code documented with its values. Kinds and statuses are shared names across the apps with
    different value sets; as plain strings they do not collide in the OpenAPI enums."""
    values = "；".join(f"`{value}` {label}" for value, label in choices)
    kwargs.setdefault("max_length", max(len(value) for value, _label in choices))
    return serializers.CharField(help_text=values, **kwargs)


def _check_code(value, choices, label):
    if value not in dict(choices):
        raise serializers.ValidationError(f"无效的{label}：{value}")
    return value


class QuantitiesField(serializers.DictField):
    """The activity's work-report quantities: {code of the catalogue's quantity: number}. In a write, a
    code given sets its value (null removes it); a code not given keeps what was recorded."""

    child = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, allow_null=True, coerce_to_string=False
    )

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text", "工作报告数据：{数据项代码: 数量}，代码见“工作报告数据项”；写入时 null 表示清除该项"
        )
        super().__init__(**kwargs)

    def to_representation(self, value):
        if isinstance(value, dict):
            return super().to_representation(value)
        return {q.kind.code: q.value for q in value.all()}


class ActivitySerializer(serializers.ModelSerializer):
    kind = code_field(Activity.Kind.choices, read_only=True)
    kind_display = ChoiceDisplayField("kind")
    organiser_committee_name = serializers.CharField(
        source="organiser_committee.name", read_only=True, default=None, allow_null=True
    )
    organiser_group_name = serializers.CharField(
        source="organiser_group.name", read_only=True, default=None, allow_null=True
    )
    attended_count = serializers.IntegerField(read_only=True, help_text="出席人数")
    excused_count = serializers.IntegerField(read_only=True, help_text="请假人数")
    absent_count = serializers.IntegerField(read_only=True, help_text="缺席人数")
    signed_up_count = serializers.IntegerField(read_only=True, help_text="已报名人数")
    quantities = QuantitiesField(read_only=True)
    consultation = serializers.SerializerMethodField(help_text="对应的协商活动 id（由协商工作登记时）")
    inspection = serializers.SerializerMethodField(help_text="对应的视察调研活动 id（由视察调研登记时）")

    class Meta:
        model = Activity
        fields = [
            "id",
            "kind",
            "kind_display",
            "title",
            "start_date",
            "end_date",
            "place",
            "organiser_committee",
            "organiser_committee_name",
            "organiser_group",
            "organiser_group_name",
            "description",
            "half_days",
            "quantities",
            "is_highlight",
            "signup_open",
            "signup_deadline",
            "capacity",
            "attended_count",
            "excused_count",
            "absent_count",
            "signed_up_count",
            "consultation",
            "inspection",
            "created_at",
            "updated_at",
        ]

    def get_consultation(self, obj) -> int | None:
        linked = getattr(obj, "consultation", None)
        return linked.pk if linked else None

    def get_inspection(self, obj) -> int | None:
        linked = getattr(obj, "inspection", None)
        return linked.pk if linked else None


class ActivityWriteSerializer(serializers.ModelSerializer):
    kind = code_field(
        [c for c in Activity.Kind.choices if c[0] not in MANAGED_KINDS],
        required=False,
    )
    quantities = QuantitiesField(required=False)

    class Meta:
        model = Activity
        fields = [*ActivityForm.Meta.fields, "quantities"]  # the page's form and the API take the same fields

    def validate_kind(self, value):
        if self.instance is not None and value == self.instance.kind:
            return value
        if value in MANAGED_KINDS:
            raise serializers.ValidationError("协商活动、视察、调研、民主监督请通过协商或视察调研接口登记。")
        if self.instance is not None and self.instance.kind in MANAGED_KINDS:
            raise serializers.ValidationError("由协商或视察调研登记的活动不能修改类型。")
        return _check_code(value, Activity.Kind.choices, "活动类型")

    def validate(self, attrs):
        if self.instance is None and not attrs.get("kind"):
            raise serializers.ValidationError({"kind": ["请选择活动类型。"]})
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        deadline = attrs.get("signup_deadline", getattr(self.instance, "signup_deadline", None))
        if start and end and end < start:
            raise serializers.ValidationError({"end_date": ["结束日期不能早于开始日期。"]})
        if start and deadline and deadline >= start:
            raise serializers.ValidationError({"signup_deadline": ["报名截止日期应早于活动开始日期。"]})
        return attrs


class AttendanceSerializer(serializers.ModelSerializer):
    activity_title = serializers.CharField(source="activity.title", read_only=True)
    activity_kind = code_field(Activity.Kind.choices, source="activity.kind", read_only=True)
    activity_date = serializers.DateField(source="activity.start_date", read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True)
    group_name = serializers.CharField(source="member.group.name", read_only=True, default=None)
    status = code_field(Attendance.Status.choices, read_only=True)
    status_display = ChoiceDisplayField("status")

    class Meta:
        model = Attendance
        fields = [
            "id",
            "activity",
            "activity_title",
            "activity_kind",
            "activity_date",
            "member",
            "member_name",
            "group_name",
            "status",
            "status_display",
            "speeches",
            "note",
            "recorded_at",
        ]


class AttendanceWriteSerializer(serializers.Serializer):
    """One member's attendance at one activity; an existing record of the pair is updated."""

    activity = serializers.PrimaryKeyRelatedField(queryset=Activity.objects.all(), label="活动")
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all(), label="委员")
    status = code_field(Attendance.Status.choices, label="出勤")
    speeches = serializers.IntegerField(min_value=0, max_value=99, required=False, label="发言次数")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, label="备注")

    def validate_status(self, value):
        return _check_code(value, Attendance.Status.choices, "出勤状态")


class AttendanceUpdateSerializer(serializers.Serializer):
    status = code_field(Attendance.Status.choices, required=False, label="出勤")
    speeches = serializers.IntegerField(min_value=0, max_value=99, required=False, label="发言次数")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, label="备注")

    def validate_status(self, value):
        return _check_code(value, Attendance.Status.choices, "出勤状态")
