"""Inspections (视察), research (调研) and democratic supervision (民主监督), their recommendations
and the departments' responses.

Each inspection is one `activities.Activity` (title, dates, place, organising committee or group,
attendance), so "X位委员X人次参加" is counted in one place for every kind of activity.
"""

from django.db import models
from django.db.models import Q

from activities.models import Activity
from cppcc.limits import TEXT_MAX_LENGTH
from cppcc.models import TimeStampedModel, WorkflowEvent, feedback_fields, optional_fk, user_fk
from members.models import HandlingUnit


class Adoption(models.TextChoices):
    """A department's answer to a recommendation or a consultation outcome."""

    ADOPTED = "adopted", "采纳"
    PARTLY_ADOPTED = "partly_adopted", "部分采纳"
    NOT_ADOPTED = "not_adopted", "未采纳"


def unit_answer_fields():
    """A department's answer — 采纳情况 and its feedback (cppcc.models.feedback_fields) — declared alike on
    a recommendation and on a consultation outcome's assignment (each names the four fields its own way)."""
    return (models.CharField("采纳情况", max_length=16, choices=Adoption.choices, blank=True), *feedback_fields())


class Kind(models.TextChoices):
    # The same values as activities.Activity.Kind, so the activity and the inspection always agree.
    INSPECTION = Activity.Kind.INSPECTION.value, "视察"
    RESEARCH = Activity.Kind.RESEARCH.value, "调研"
    SUPERVISION = Activity.Kind.SUPERVISION.value, "民主监督"


class Organiser(models.TextChoices):
    STANDING = "standing", "常委会"
    CHAIR = "chair", "主席会议"
    COMMITTEE = "committee", "专门委员会"
    GROUP = "group", "委员组"


class State(models.TextChoices):
    PLANNED = "planned", "筹备中"
    HELD = "held", "已开展"
    CLOSED = "closed", "已办结"


class Inspection(TimeStampedModel):
    activity = models.OneToOneField(
        Activity, verbose_name="履职活动", on_delete=models.PROTECT, related_name="inspection"
    )
    kind = models.CharField("类型", max_length=12, choices=Kind.choices, db_index=True)
    topic = models.CharField("主题", max_length=100, help_text="如：水污染防治、城中村改造")
    organiser = models.CharField("组织方", max_length=12, choices=Organiser.choices, default=Organiser.STANDING)
    units_briefed = models.ManyToManyField(
        HandlingUnit, verbose_name="听取汇报的部门", related_name="briefed_inspections", blank=True
    )
    findings = models.TextField("发现的问题与情况", max_length=TEXT_MAX_LENGTH, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PLANNED, db_index=True)
    held_at = models.DateTimeField("开展登记时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    created_by = user_fk("录入人")

    class Meta:
        verbose_name = "视察调研"
        verbose_name_plural = "视察调研"
        ordering = ["-activity__start_date", "-id"]
        indexes = [models.Index(fields=["kind", "state"])]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.activity.title}"

    @property
    def title(self) -> str:
        return self.activity.title


class Recommendation(TimeStampedModel):
    """One numbered recommendation of an inspection, sent to one department that answers it."""

    class State(models.TextChoices):
        DRAFT = "draft", "待交办"
        SENT = "sent", "已交办"
        RESPONDED = "responded", "已反馈"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField("序号")
    text = models.TextField("建议内容", max_length=TEXT_MAX_LENGTH)
    unit = optional_fk(HandlingUnit, "承办单位", related_name="recommendations")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.DRAFT, db_index=True)
    sent_at = models.DateTimeField("交办时间", null=True, blank=True)
    sent_by = user_fk(optional=True)
    due_date = models.DateField("反馈期限", null=True, blank=True)
    extension_count = models.PositiveSmallIntegerField("延期次数", default=0)
    adoption, response_text, responded_at, responded_by = unit_answer_fields()

    class Meta:
        verbose_name = "视察建议"
        verbose_name_plural = "视察建议"
        ordering = ["inspection", "number"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="recommendation_number_unique"),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(unit__isnull=False, due_date__isnull=False, sent_at__isnull=False),
                name="sent_recommendation_has_unit_and_due",
            ),
            models.CheckConstraint(
                condition=~Q(state="responded") | (~Q(adoption="") & Q(responded_at__isnull=False)),
                name="responded_recommendation_has_answer",
            ),
        ]
        indexes = [models.Index(fields=["unit", "state"]), models.Index(fields=["state", "due_date"])]

    def __str__(self):
        return f"{self.inspection.activity.title} 建议{self.number}"


class InspectionEvent(WorkflowEvent):
    """The timeline of an inspection and its recommendations: who did what, when."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="events")
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    from_state = models.CharField("原状态", max_length=12, blank=True)
    to_state = models.CharField("新状态", max_length=12, blank=True)

    class Meta(WorkflowEvent.Meta):
        verbose_name = "视察调研记录"
        verbose_name_plural = "视察调研记录"
