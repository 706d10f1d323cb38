"""Social-opinion reports (社情民意信息): a member's report of what people say and want, edited by the
office, published or sent up (编报/报送), adopted by the district, city, provincial or national
committee, instructed on by leaders (批示) and passed to departments, which answer.

The models were born in the supervision app: they keep its tables (`db_table`), so moving them here
changed no column and no row.
"""

from django.db import models
from django.db.models import Q

from cppcc.limits import TEXT_MAX_LENGTH
from cppcc.models import (
    ConfigurableCategory,
    StoredFile,
    TimeStampedModel,
    WorkflowEvent,
    feedback_fields,
    stored_file_path,
    user_fk,
)
from members.models import HandlingUnit, Member


class OpinionCategory(ConfigurableCategory):
    """经济, 政治 … (supervision migration 0003)."""

    class Meta(ConfigurableCategory.Meta):
        db_table = "supervision_opinioncategory"
        verbose_name = "社情民意类别"
        verbose_name_plural = "社情民意类别"


class OpinionState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待编辑"
    EDITING = "editing", "编辑中"
    FORWARDED = "forwarded", "已编报"
    ADOPTED = "adopted", "已采用"
    NOT_ADOPTED = "not_adopted", "未采用"
    WITHDRAWN = "withdrawn", "已撤回"


class OpinionLevel(models.TextChoices):
    """The committee that adopted a report, or the level of the leader who instructed on it."""

    DISTRICT = "district", "区"
    CITY = "city", "市"
    PROVINCE = "province", "省"
    NATIONAL = "national", "全国"


class OpinionPublication(models.TextChoices):
    SPECIAL = "special", "专报"
    BULLETIN = "bulletin", "简报"
    OTHER = "other", "其他"


LEVEL_BODY = {
    OpinionLevel.DISTRICT: "区政协",
    OpinionLevel.CITY: "市政协",
    OpinionLevel.PROVINCE: "省政协",
    OpinionLevel.NATIONAL: "全国政协",
}


class OpinionReport(TimeStampedModel):
    title = models.CharField("标题", max_length=200)
    content = models.TextField("内容", max_length=TEXT_MAX_LENGTH, blank=True)
    category = models.ForeignKey(OpinionCategory, verbose_name="类别", on_delete=models.PROTECT, related_name="reports")
    state = models.CharField(
        "状态", max_length=12, choices=OpinionState.choices, default=OpinionState.DRAFT, db_index=True
    )
    proposal = models.OneToOneField(
        "proposals.Proposal",
        verbose_name="转来的提案",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opinion_report",
        help_text="提案审查时转为社情民意信息的，指向原提案",
    )
    created_by = user_fk("录入人")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    # What the author wrote, kept when the office starts editing: the editor's changes never lose it.
    original_title = models.CharField("原标题", max_length=200, blank=True)
    original_content = models.TextField("原文", max_length=TEXT_MAX_LENGTH, blank=True)
    editor = user_fk("编辑人", optional=True)
    editing_started_at = models.DateTimeField("开始编辑时间", null=True, blank=True)
    forwarded_at = models.DateTimeField("编报时间", null=True, blank=True)
    forward_note = models.TextField("编报说明", max_length=TEXT_MAX_LENGTH, blank=True)
    decided_at = models.DateTimeField("采用情况登记时间", null=True, blank=True)
    reject_note = models.TextField("未采用说明", max_length=TEXT_MAX_LENGTH, blank=True)

    class Meta:
        db_table = "supervision_opinionreport"
        verbose_name = "社情民意信息"
        verbose_name_plural = "社情民意信息"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["draft", "withdrawn"]) | Q(submitted_at__isnull=False),
                name="submitted_opinion_has_submitted_at",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["forwarded", "adopted"]) | Q(forwarded_at__isnull=False),
                name="forwarded_opinion_has_forwarded_at",
            ),
        ]
        indexes = [models.Index(fields=["state", "category"]), models.Index(fields=["submitted_at"])]

    def __str__(self):
        return self.title

    @property
    def was_edited(self) -> bool:
        return bool(self.original_title or self.original_content) and (
            self.original_title != self.title or self.original_content != self.content
        )


class OpinionAuthor(models.Model):
    """The lead author (one, `is_lead`) and the co-authors of a report — the rows the assessment counts."""

    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="authors")
    member = models.ForeignKey(
        Member, verbose_name="作者", on_delete=models.PROTECT, related_name="opinion_authorships"
    )
    is_lead = models.BooleanField("第一作者", default=False)

    class Meta:
        db_table = "supervision_opinionauthor"
        verbose_name = "社情民意作者"
        verbose_name_plural = "社情民意作者"
        ordering = ["report", "-is_lead", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "member"], name="opinion_author_once"),
            models.UniqueConstraint(fields=["report"], condition=Q(is_lead=True), name="opinion_one_lead_author"),
        ]

    def __str__(self):
        return str(self.member)


_attachment_path = stored_file_path  # the name migrations 0001 (and supervision 0002) give the upload path


class OpinionAttachment(StoredFile):
    upload_kind = "opinions"
    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="attachments")

    class Meta(StoredFile.Meta):
        db_table = "supervision_opinionattachment"
        verbose_name = "社情民意附件"
        verbose_name_plural = "社情民意附件"


class OfficeRecord(models.Model):
    """What the office records about a report on a date (an adoption, a leader's instruction): who
    recorded it and when."""

    recorded_by = user_fk()
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["report", "date", "id"]


class OpinionAdoption(OfficeRecord):
    """Adopted by the committee of one level, in one of its publications — once per level."""

    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="adoptions")
    level = models.CharField("采用层级", max_length=10, choices=OpinionLevel.choices)
    publication = models.CharField("刊物", max_length=10, choices=OpinionPublication.choices)
    issue = models.CharField("期号", max_length=50, blank=True)
    date = models.DateField("采用日期", db_index=True)

    class Meta(OfficeRecord.Meta):
        db_table = "supervision_opinionadoption"
        verbose_name = "社情民意采用"
        verbose_name_plural = "社情民意采用"
        constraints = [models.UniqueConstraint(fields=["report", "level"], name="opinion_adopted_once_per_level")]
        indexes = [models.Index(fields=["level", "date"])]

    def __str__(self):
        return f"{LEVEL_BODY[self.level]}{self.get_publication_display()}{self.issue}"

    @property
    def body(self) -> str:
        return LEVEL_BODY[self.level]


class OpinionInstruction(OfficeRecord):
    """A leader's instruction (批示) on a report: who, at which level, when, what."""

    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="instructions")
    leader_name = models.CharField("批示领导", max_length=50)
    post = models.CharField("职务", max_length=100)
    level = models.CharField("层级", max_length=10, choices=OpinionLevel.choices)
    date = models.DateField("批示日期", db_index=True)
    text = models.TextField("批示内容", max_length=TEXT_MAX_LENGTH)

    class Meta(OfficeRecord.Meta):
        db_table = "supervision_opinioninstruction"
        verbose_name = "领导批示"
        verbose_name_plural = "领导批示"
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="opinion_instruction_has_text")]

    def __str__(self):
        return f"{self.leader_name}（{self.post}）批示"


class OpinionReferral(models.Model):
    """A report passed to a department (members.HandlingUnit), and the department's feedback."""

    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="referrals")
    unit = models.ForeignKey(
        HandlingUnit, verbose_name="部门", on_delete=models.PROTECT, related_name="opinion_referrals"
    )
    note = models.TextField("转交说明", max_length=TEXT_MAX_LENGTH, blank=True)
    passed_at = models.DateTimeField("转交时间")
    passed_by = user_fk()
    feedback, feedback_at, feedback_by = feedback_fields()

    class Meta:
        db_table = "supervision_opinionreferral"
        verbose_name = "社情民意转交"
        verbose_name_plural = "社情民意转交"
        ordering = ["report", "passed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "unit"], name="opinion_passed_once_per_unit"),
            models.CheckConstraint(
                condition=Q(feedback_at__isnull=True) | ~Q(feedback=""), name="opinion_feedback_has_text"
            ),
        ]
        indexes = [models.Index(fields=["unit", "feedback_at"])]

    def __str__(self):
        return f"{self.report} → {self.unit}"


class OpinionEvent(WorkflowEvent):
    """The timeline of a report: who did what, when, from which state to which."""

    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField("原状态", max_length=12, choices=OpinionState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=12, choices=OpinionState.choices, blank=True)

    class Meta(WorkflowEvent.Meta):
        db_table = "supervision_opinionevent"
        verbose_name = "社情民意办理记录"
        verbose_name_plural = "社情民意办理记录"
