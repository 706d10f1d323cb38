"""The yearly performance assessment scheme (履职量化考核办法), manual points and awards (评选).

The tables keep the names they had when these models lived in `members` (`Meta.db_table`).
"""

from django.db import models
from django.db.models import Q

from cppcc.models import TimeStampedModel, optional_fk, user_fk
from members.models import Member, MemberGroup


def default_bands():
    return [[90, "优秀"], [80, "良好"], [60, "称职"], [0, "不称职"]]


class AssessmentScheme(TimeStampedModel):
    """The points scheme of one year (履职量化考核办法), edited by the office."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    name = models.CharField("名称", max_length=100)
    bands = models.JSONField("等次", default=default_bands, help_text="[[最低分, 等次], …]，从高到低")
    max_total = models.DecimalField("满分", max_digits=6, decimal_places=1, default=100)

    class Meta:
        db_table = "members_assessmentscheme"
        verbose_name = "考核办法"
        verbose_name_plural = "考核办法"
        ordering = ["-year"]

    def __str__(self):
        return self.name

    def grade(self, total) -> str:
        for floor, label in sorted(self.bands, key=lambda b: -b[0]):
            if total >= floor:
                return label
        return self.bands[-1][1] if self.bands else ""


class AssessmentCategory(models.Model):
    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField("考核类别", max_length=50)
    order = models.PositiveSmallIntegerField("排序", default=0)
    cap = models.DecimalField("本类上限", max_digits=6, decimal_places=1, null=True, blank=True)

    class Meta:
        db_table = "members_assessmentcategory"
        verbose_name = "考核类别"
        verbose_name_plural = "考核类别"
        ordering = ["scheme", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "name"], name="category_name_once_per_scheme")]

    def __str__(self):
        return self.name


class AssessmentRule(models.Model):
    """Points per unit of a source (an attended activity, a filed proposal, an adopted report …)."""

    category = models.ForeignKey(AssessmentCategory, on_delete=models.CASCADE, related_name="rules")
    source = models.CharField("计分依据", max_length=40)
    params = models.JSONField("参数", default=dict, blank=True)
    points = models.DecimalField("每项分值", max_digits=6, decimal_places=1)
    label = models.CharField("说明", max_length=100)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        db_table = "members_assessmentrule"
        verbose_name = "计分规则"
        verbose_name_plural = "计分规则"
        ordering = ["category", "order", "id"]

    def __str__(self):
        return self.label


class AssessmentManualItem(TimeStampedModel):
    """Points the office adds or deducts by hand, with the reason (audited)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="assessment_items")
    category = models.ForeignKey(AssessmentCategory, on_delete=models.PROTECT, related_name="manual_items")
    points = models.DecimalField("分值", max_digits=6, decimal_places=1)
    reason = models.CharField("理由", max_length=300)
    created_by = user_fk()

    class Meta:
        db_table = "members_assessmentmanualitem"
        verbose_name = "手工加减分"
        verbose_name_plural = "手工加减分"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.member} {self.points:+} {self.reason}"


class AssessmentAward(TimeStampedModel):
    """The year's 评选 results: outstanding members (优秀委员), outstanding member groups (先进委员组) and
    excellent group leaders (优秀委员组长), chosen by the office with the ranking in front of them."""

    class Kind(models.TextChoices):
        OUTSTANDING_MEMBER = "outstanding_member", "优秀委员"
        OUTSTANDING_GROUP = "outstanding_group", "先进委员组"
        EXCELLENT_GROUP_LEADER = "excellent_group_leader", "优秀委员组长"

    MEMBER_KINDS = (Kind.OUTSTANDING_MEMBER, Kind.EXCELLENT_GROUP_LEADER)

    year = models.PositiveSmallIntegerField("年度", db_index=True)
    kind = models.CharField("评选类别", max_length=30, choices=Kind.choices)
    member = optional_fk(Member, "委员", related_name="assessment_awards")
    group = optional_fk(MemberGroup, "委员组", related_name="assessment_awards")
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = user_fk()

    class Meta:
        db_table = "members_assessmentaward"
        verbose_name = "评选结果"
        verbose_name_plural = "评选结果"
        ordering = ["-year", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="outstanding_group", group__isnull=False, member__isnull=True)
                    | Q(
                        kind__in=["outstanding_member", "excellent_group_leader"],
                        member__isnull=False,
                        group__isnull=True,
                    )
                ),
                name="award_names_a_member_or_a_group",
            ),
            models.UniqueConstraint(
                fields=["year", "kind", "member"], condition=Q(member__isnull=False), name="award_once_per_member"
            ),
            models.UniqueConstraint(
                fields=["year", "kind", "group"], condition=Q(group__isnull=False), name="award_once_per_group"
            ),
        ]

    def __str__(self):
        return f"{self.year}年度{self.get_kind_display()}：{self.member or self.group}"
