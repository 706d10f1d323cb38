"""Activities members take part in (履职活动), their attendance and the committee's regulations.

The tables keep the names they had when these models lived in `members` (`Meta.db_table`).
"""

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
    # The quantities the annual work report counts (blank when they do not apply).
    donations_wan = models.DecimalField("捐款捐物（万元）", max_digits=12, decimal_places=2, null=True, blank=True)
    funds_raised_wan = models.DecimalField("筹集资金（万元）", max_digits=12, decimal_places=2, null=True, blank=True)
    people_served = models.PositiveIntegerField("服务群众（人次）", null=True, blank=True)
    jobs_offered = models.PositiveIntegerField("提供就业岗位", null=True, blank=True)
    companies = models.PositiveIntegerField("参与企业（家）", null=True, blank=True)
    cooperation_intents = models.PositiveIntegerField("达成合作意向（项）", null=True, blank=True)
    services_provided = models.PositiveIntegerField("提供服务（项）", null=True, blank=True)
    delegations_received = models.PositiveIntegerField("接待来访团组（个）", null=True, blank=True)
    visits_made = models.PositiveIntegerField("走访（户/次）", null=True, blank=True)
    articles_published = models.PositiveIntegerField("刊发稿件（篇）", null=True, blank=True)
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
