from rest_framework import serializers

from cppcc.drf_serializers import ChoiceDisplayField
from securitylog import note_id_view

from . import idcard
from .forms import MemberForm
from .models import HandlingUnit, Member, MemberGroup, Party, Sector, Session, SpecialCommittee, Term
from .selectors import member_policy, phone_for


class TermSerializer(serializers.ModelSerializer):
    class Meta:
        model = Term
        fields = ["id", "number", "name", "start_year", "end_year", "is_current"]

    def validate(self, attrs):
        # The table's term_years_ordered constraint, as a 400 rather than an IntegrityError.
        start = attrs.get("start_year", getattr(self.instance, "start_year", None))
        end = attrs.get("end_year", getattr(self.instance, "end_year", None))
        if start is not None and end is not None and end < start:
            raise serializers.ValidationError({"end_year": ["结束年份不能早于开始年份。"]})
        return attrs


class SessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Session
        fields = ["id", "term", "number", "name", "start_date", "end_date"]


def _reference_serializer(model_class, extra=()):
    class Serializer(serializers.ModelSerializer):
        class Meta:
            model = model_class
            fields = ["id", "name", "order", "is_active", *extra]

    Serializer.__name__ = f"{model_class.__name__}Serializer"
    return Serializer


SectorSerializer = _reference_serializer(Sector)
PartySerializer = _reference_serializer(Party, extra=("short_name",))
SpecialCommitteeSerializer = _reference_serializer(SpecialCommittee)
MemberGroupSerializer = _reference_serializer(MemberGroup)


class HandlingUnitSerializer(serializers.ModelSerializer):
    contact_phone = serializers.CharField(
        max_length=HandlingUnit._meta.get_field("contact_phone").max_length,
        required=False,
        allow_blank=True,
        help_text="联系电话；机关工作人员以外只见掩码",
    )

    class Meta:
        model = HandlingUnit
        fields = ["id", "name", "kind", "order", "is_active", "contact_person", "contact_phone"]

    def to_representation(self, instance):
        # The unit's contact may be a staff member's own mobile: the office sees it in full, every
        # other reader of the unit list masked (139****5678), as for a member's phone.
        data = super().to_representation(instance)
        request = self.context.get("request")
        data["contact_phone"] = phone_for(user=getattr(request, "user", None), phone=data.get("contact_phone") or "")
        return data


class MemberSerializer(serializers.ModelSerializer):
    """The member as a given user may see it: private fields masked or omitted (null)."""

    sector_name = serializers.CharField(source="sector.name", read_only=True)
    party_name = serializers.CharField(source="party.name", read_only=True)
    group_name = serializers.CharField(source="group.name", read_only=True, default=None)
    gender_display = ChoiceDisplayField("gender")
    status_display = ChoiceDisplayField("status")
    post_display = ChoiceDisplayField("post")
    id_number = serializers.SerializerMethodField(help_text="身份证号码；机关工作人员以外的角色只见掩码")
    phone = serializers.SerializerMethodField()
    birth_date = serializers.SerializerMethodField(
        help_text="出生日期；不能查看完整身份证号码的角色为 null，只见出生年份（birth_year）"
    )
    birth_year = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField()

    class Meta:
        model = Member
        fields = [
            "id",
            "name",
            "gender",
            "gender_display",
            "ethnicity",
            "birth_date",
            "birth_year",
            "id_number",
            "phone",
            "employer",
            "title",
            "sector",
            "sector_name",
            "party",
            "party_name",
            "group",
            "group_name",
            "committees",
            "is_standing",
            "post",
            "post_display",
            "terms",
            "status",
            "status_display",
            "note",
            "name_pinyin",
            "created_at",
            "updated_at",
        ]

    def _policy(self, obj):
        return member_policy(user=self.context["request"].user, member=obj)

    def get_id_number(self, obj) -> str | None:
        policy = self._policy(obj)
        if policy.id_full and obj.id_number:
            note_id_view(self.context["request"], obj)  # 等保: full ID numbers shown are on the security log
        return policy.id_number(obj)

    def get_phone(self, obj) -> str | None:
        return self._policy(obj).phone(obj)

    def get_birth_date(self, obj) -> str | None:
        birth = self._policy(obj).birth_date(obj)
        return birth.isoformat() if birth else None

    def get_birth_year(self, obj) -> int | None:
        return self._policy(obj).birth_year(obj)

    def get_note(self, obj) -> str | None:
        return obj.note if self._policy(obj).private else None


class MemberWriteSerializer(serializers.ModelSerializer):
    gender = serializers.ChoiceField(choices=Member.Gender.choices, required=False)

    class Meta:
        model = Member
        fields = MemberForm.Meta.fields  # the page's form and the API take the same fields

    def validate_id_number(self, value):
        if not value:
            return None
        value = idcard.normalize(value)
        reason = idcard.validation_error(value)
        if reason:
            raise serializers.ValidationError(reason)
        return value

    def validate(self, attrs):
        if not attrs.get("gender") and not attrs.get("id_number") and self.instance is None:
            raise serializers.ValidationError({"gender": ["请填写性别（或填写身份证号码自动识别）。"]})
        return attrs
