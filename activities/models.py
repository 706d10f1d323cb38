"""Activities members take part in (履职活动), their attendance and the committee's regulations.

The tables keep the names they had when these models lived in `members` (`Meta.db_table`).
"""

from decimal import Decimal

from django.db import models
from django.db.models import Q

from cppcc.limits import TEXT_MAX_LENGTH
from cppcc.models import TimeStampedModel, optional_fk, user_fk
from members.models import Member, MemberGroup, SpecialCommittee


class Activity(TimeStampedModel):
    """Any activity members take part in: meetings, consultations, inspections, trainings, exchanges …

    Consultation activities and inspections link to one of these, so attendance — and with it
    "X位委员X人次参加" and each member's record — is counted in one place for every kind.
    """

    class Kind(models.TextChoices):
        PLENARY = "plenary", "全体会议"
        STANDING = "standing", "常委会议"
        CHAIR = "chair", "主席会议"
        CONSULTATION = "consultation", "协商活动"
        INSPECTION = "inspection", "视察"
        RESEARCH = "research", "调研"
        SUPERVISION = "supervision", "民主监督"
        TRAINING = "training", "学习培训"
        GROUP = "group", "委员组活动"
        EXCHANGE = "exchange", "跨组交流"
        GROUP_LEADERS = "group_leaders", "委员组长交流活动"
        ASSIST_RESEARCH = "assist_research", "协助上级政协调研"
        WELFARE = "welfare", "社会公益"
        POVERTY = "poverty", "扶贫帮困"
        PUBLICITY = "publicity", "宣传报道"
        OTHER = "other", "其他"

    kind = models.CharField("类型", max_length=20, choices=Kind.choices, db_index=True)
    title = models.CharField("名称", max_length=200)
    start_date = models.DateField("开始日期", db_index=True)
    end_date = models.DateField("结束日期", null=True, blank=True)
    place = models.CharField("地点", max_length=200, blank=True)
    organiser_committee = optional_fk(SpecialCommittee, "组织专委会", related_name="+")
    organiser_group = optional_fk(MemberGroup, "组织委员组", related_name="+")
    description = models.TextField("内容", max_length=TEXT_MAX_LENGTH, blank=True)
    half_days = models.PositiveSmallIntegerField("会期（半天）", default=0, help_text="全体会议等按半天计分的会期")
    # The quantities the annual work report counts are rows of `ActivityQuantity`, one per kind of the
    # catalogue (`QuantityKind`).
    is_highlight = models.BooleanField(
        "典型事例", default=False, help_text="工作报告在相应段落中单独列出此活动及其数据（如某委员捐赠现金5万元）"
    )
    # Sign-up (报名): members see the activity among the open ones and sign up themselves.
    signup_open = models.BooleanField("开放报名", default=False, help_text="开放后委员可在“活动报名”页自行报名")
    signup_deadline = models.DateField("报名截止日期", null=True, blank=True, help_text="留空则截止到活动开始前一天")
    capacity = models.PositiveSmallIntegerField("名额", null=True, blank=True, help_text="留空不限名额")
    created_by = user_fk("录入人")

    class Meta:
        db_table = "members_activity"
        verbose_name = "履职活动"
        verbose_name_plural = "履职活动"
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="activity_dates_ordered",
            )
        ]

    def __str__(self):
        return f"{self.start_date:%Y-%m-%d} {self.title}"


class QuantityKind(models.Model):
    """One quantity the work report counts (捐赠现金、服务群众、节能灯 …): its name, unit and how the
    year's figure is worked out from the activities that record it. The office keeps the catalogue."""

    class Aggregate(models.TextChoices):
        SUM = "sum", "合计"
        MAX = "max", "取最大值"
        COUNT = "count", "记录该项的活动数"

    code = models.SlugField("代码", max_length=40, unique=True, help_text="模板中的名称，如 cash_donated_wan")
    name = models.CharField("名称", max_length=50, unique=True)
    unit = models.CharField("单位", max_length=10, help_text="如 万元、人次、名、件、份、盏、个、家、起、篇")
    decimal_places = models.PositiveSmallIntegerField(
        "小数位", default=0, choices=[(0, "整数"), (2, "两位小数")], help_text="金额（万元）取两位小数"
    )
    aggregate = models.CharField("汇总方式", max_length=5, choices=Aggregate.choices, default=Aggregate.SUM)
    activity_kinds = models.JSONField(
        "常用于", default=list, blank=True, help_text="登记这些类型的活动时直接显示此项（其他类型可展开填写）"
    )
    report_use = models.CharField("工作报告中的用途", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True, help_text="停用后不再登记，已登记的数据仍计入统计")

    class Meta:
        verbose_name = "工作报告数据项"
        verbose_name_plural = "工作报告数据项"
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.name}（{self.unit}）"

    def activity_kind_labels(self) -> str:
        labels = dict(Activity.Kind.choices)
        return "、".join(labels.get(kind, kind) for kind in self.activity_kinds) or "—"


class ActivityQuantity(models.Model):
    """What one activity achieved in one quantity of the catalogue."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="quantities")
    kind = models.ForeignKey(QuantityKind, verbose_name="数据项", on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField("数量", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "活动数据"
        verbose_name_plural = "活动数据"
        ordering = ["activity", "kind__order", "kind_id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "kind"], name="quantity_once_per_activity"),
            models.CheckConstraint(condition=Q(value__gte=0), name="quantity_not_negative"),
        ]
        indexes = [models.Index(fields=["kind", "activity"])]

    def __str__(self):
        return f"{self.activity} · {self.kind.name} {self.display}"

    @property
    def display(self) -> str:
        return f"{Decimal(str(self.value)).normalize():f}{self.kind.unit}"


class Attendance(models.Model):
    class Status(models.TextChoices):
        SIGNED_UP = "signed_up", "已报名"
        ATTENDED = "attended", "出席"
        EXCUSED = "excused", "请假"
        ABSENT = "absent", "缺席"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(Member, verbose_name="委员", on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField("出勤", max_length=10, choices=Status.choices, default=Status.ATTENDED)
    speeches = models.PositiveSmallIntegerField("发言次数", default=0)
    note = models.CharField("备注", max_length=200, blank=True)
    recorded_at = models.DateTimeField("记录时间", auto_now=True)

    class Meta:
        db_table = "members_attendance"
        verbose_name = "出勤记录"
        verbose_name_plural = "出勤记录"
        ordering = ["activity", "member__name_stroke_key"]
        constraints = [models.UniqueConstraint(fields=["activity", "member"], name="attendance_once_per_member")]
        indexes = [models.Index(fields=["member", "status"])]

    def __str__(self):
        return f"{self.member} · {self.activity} · {self.get_status_display()}"


class Regulation(TimeStampedModel):
    """Rules and documents the committee adopted (制度建设), counted in the work report."""

    class Kind(models.TextChoices):
        RULE = "rule", "制度规定"
        DOCUMENT = "document", "文件"
        # The office's own rules (机关内部管理制度): reported apart from the committee's work rules.
        INTERNAL = "internal", "机关内部管理制度"

    title = models.CharField("名称", max_length=200)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.RULE)
    adopted_on = models.DateField("通过日期", db_index=True)
    adopted_at = models.CharField("通过会议", max_length=100, blank=True)
    note = models.TextField("备注", max_length=TEXT_MAX_LENGTH, blank=True)

    class Meta:
        db_table = "members_regulation"
        verbose_name = "制度文件"
        verbose_name_plural = "制度文件"
        ordering = ["-adopted_on", "-id"]

    def __str__(self):
        return self.title


class KeyProject(TimeStampedModel):
    """A district key project (区重点项目) that members of the committee are responsible for (分包), as the
    district assigns them; the work report counts those of 1亿元 and more (亿元以上重点项目)."""

    class Stage(models.TextChoices):
        NEW = "new", "新建"
        REBUILD = "rebuild", "改建"
        EXTEND = "extend", "扩建"
        CONTINUE = "continue", "续建"

    year = models.PositiveSmallIntegerField("年度", db_index=True)
    name = models.CharField("项目名称", max_length=200)
    stage = models.CharField("建设性质", max_length=10, choices=Stage.choices, default=Stage.NEW)
    investment_yi = models.DecimalField("总投资（亿元）", max_digits=10, decimal_places=2, null=True, blank=True)
    members = models.ManyToManyField(Member, verbose_name="分包委员", related_name="key_projects", blank=True)
    progress = models.TextField("进展情况", max_length=TEXT_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = "分包重点项目"
        verbose_name_plural = "分包重点项目"
        ordering = ["-year", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="key_project_once_per_year"),
            models.CheckConstraint(condition=Q(investment_yi__gte=0), name="key_project_investment_not_negative"),
        ]

    def __str__(self):
        return f"{self.year} {self.name}"

    @property
    def over_one_yi(self) -> bool:
        return self.investment_yi is not None and self.investment_yi >= 1
