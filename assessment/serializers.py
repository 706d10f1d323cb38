"""Serializers of the assessment API: results of `engine.score()`, not model rows."""

from rest_framework import serializers


def _number(**kwargs):
    return serializers.DecimalField(max_digits=8, decimal_places=1, coerce_to_string=False, read_only=True, **kwargs)


class AssessmentLineSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="计分项目；手工加减分为“手工加减分”")
    quantity = _number(help_text="数量")
    points = _number(help_text="每项分值")
    score = _number(help_text="得分 = 数量 × 每项分值")
    manual = serializers.BooleanField(help_text="是否为手工加减分")
    reason = serializers.CharField(help_text="手工加减分的理由")


class AssessmentCategorySerializer(serializers.Serializer):
    name = serializers.CharField()
    cap = _number(allow_null=True, help_text="本类上限；null 为不限")
    raw = _number(help_text="按规则计算的分数（未按上限截取）")
    score = _number(help_text="本类得分（不超过上限）")


class AssessmentCategoryDetailSerializer(AssessmentCategorySerializer):
    lines = AssessmentLineSerializer(many=True)


class AssessmentSerializer(serializers.Serializer):
    """One member's result of the year."""

    member = serializers.IntegerField(source="member.pk")
    member_name = serializers.CharField(source="member.name")
    group = serializers.IntegerField(source="member.group_id", allow_null=True)
    group_name = serializers.CharField(source="member.group.name", default=None, allow_null=True)
    sector_name = serializers.CharField(source="member.sector.name")
    party_name = serializers.CharField(source="member.party.name")
    year = serializers.SerializerMethodField()
    rank = serializers.IntegerField(help_text="全体在任委员中的名次（同分同名次）；0 为不参与排名")
    total = _number(help_text="总分")
    grade = serializers.CharField(help_text="等次")
    categories = AssessmentCategorySerializer(many=True)

    def get_year(self, obj) -> int:
        return self.context["year"]


class AssessmentDetailSerializer(AssessmentSerializer):
    categories = AssessmentCategoryDetailSerializer(many=True)
