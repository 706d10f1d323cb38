"""The annual consultation plan (年度协商计划), its topics and their path from collection to a closed
outcome, the consultation activities (meetings, with attendance in `activities.Attendance`) and the
outcomes (协商成果) with their processing chain 批办 → 交办 → 承办 → 督办 → 反馈."""

from django.db import models
from django.db.models import Q

from activities.models import Activity
from cppcc.limits import TEXT_MAX_LENGTH
from cppcc.models import StoredFile, TimeStampedModel, WorkflowEvent, optional_fk, stored_file_path, user_fk
from members.models import HandlingUnit, Member, SpecialCommittee
from supervision.models import unit_answer_fields


class PlanState(models.TextChoices):
    DRAFT = "draft", "编制中"
    APPROVED = "approved", "已审定"


class Source(models.TextChoices):
    LEADERS = "leaders", "党政领导出题"
    PUBLIC = "public", "社会征题"
    MEMBERS = "members", "委员选题"
    PROPOSAL = "proposal", "提案点题"
    COMMITTEE = "committee", "政协汇题"


class Form(models.TextChoices):
    SPECIAL = "special", "专题协商"
    COUNTERPART = "counterpart", "对口协商"
    SECTOR = "sector", "界别协商"
    PROPOSAL_HANDLING = "proposal_handling", "提案办理协商"
    STANDING = "standing", "常委会议协商"
    CHAIR = "chair", "主席会议协商"


class TopicState(models.TextChoices):
    COLLECTED = "collected", "已征集"
    SHORTLISTED = "shortlisted", "已汇题"
    APPROVED = "approved", "已定题"
    SCHEDULED = "scheduled", "已安排"
    HELD = "held", "已协商"
    OUTCOME_SUBMITTED = "outcome_submitted", "成果已报送"
    CLOSED = "closed", "已办结"
    DROPPED = "dropped", "未采用"


# From 定题 on, a topic has its form, lead committee and quarter (the plan lists them).
PLANNED_STATES = (
    TopicState.APPROVED,
    TopicState.SCHEDULED,
    TopicState.HELD,
    TopicState.OUTCOME_SUBMITTED,
    TopicState.CLOSED,
)


class OutcomeState(models.TextChoices):
    SUBMITTED = "submitted", "已报送"
    INSTRUCTED = "instructed", "已批办"
    ASSIGNED = "assigned", "已交办"
    HANDLING = "handling", "承办中"
    FED_BACK = "fed_back", "已反馈"


class ConsultationPlan(TimeStampedModel):
    year = models.PositiveSmallIntegerField("年度", unique=True)
    title = models.CharField("名称", max_length=100)
    description = models.TextField("说明", max_length=TEXT_MAX_LENGTH, blank=True)
    state = models.CharField("状态", max_length=10, choices=PlanState.choices, default=PlanState.DRAFT)
    approved_on = models.DateField("审定日期", null=True, blank=True)
    approval_note = models.CharField("审定依据", max_length=200, blank=True, help_text="如：区委常委会第12次会议审定")
    created_by = user_fk()

    class Meta:
        verbose_name = "年度协商计划"
        verbose_name_plural = "年度协商计划"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="draft") | Q(approved_on__isnull=False), name="approved_plan_has_date"
            )
        ]

    def __str__(self):
        return self.title


class ConsultationTopic(TimeStampedModel):
    plan = models.ForeignKey(ConsultationPlan, verbose_name="年度计划", on_delete=models.PROTECT, related_name="topics")
    title = models.CharField("议题", max_length=200)
    description = models.TextField("议题说明", max_length=TEXT_MAX_LENGTH, blank=True)
    source = models.CharField("来源", max_length=12, choices=Source.choices)
    suggested_by = models.CharField(
        "提出方", max_length=100, blank=True, help_text="如：区委办公室、市民来信、民建区委"
    )
    member = optional_fk(Member, "选题委员", related_name="+")
    proposal = optional_fk("proposals.Proposal", "点题提案", related_name="consultation_topics")
    form = models.CharField("协商形式", max_length=20, choices=Form.choices, blank=True)
    lead_committee = optional_fk(SpecialCommittee, "牵头专委会", related_name="+")
    planned_quarter = models.PositiveSmallIntegerField("计划季度", null=True, blank=True)
    state = models.CharField(
        "状态", max_length=20, choices=TopicState.choices, default=TopicState.COLLECTED, db_index=True
    )
    decision_note = models.CharField("定题依据", max_length=200, blank=True)
    drop_reason = models.TextField("未采用理由", max_length=TEXT_MAX_LENGTH, blank=True)
    shortlisted_at = models.DateTimeField("汇题时间", null=True, blank=True)
    approved_at = models.DateTimeField("定题时间", null=True, blank=True)
    held_at = models.DateTimeField("协商时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    created_by = user_fk()

    class Meta:
        verbose_name = "协商议题"
        verbose_name_plural = "协商议题"
        ordering = ["plan", "planned_quarter", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_quarter__isnull=True) | Q(planned_quarter__gte=1, planned_quarter__lte=4),
                name="topic_quarter_1_to_4",
            ),
            models.CheckConstraint(
                condition=~Q(source="proposal") | Q(proposal__isnull=False), name="proposal_topic_names_proposal"
            ),
            models.CheckConstraint(
                condition=~Q(source="members") | Q(member__isnull=False), name="member_topic_names_member"
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[s.value for s in PLANNED_STATES])
                | (~Q(form="") & Q(lead_committee__isnull=False, planned_quarter__isnull=False)),
                name="planned_topic_is_complete",
            ),
        ]
        indexes = [models.Index(fields=["plan", "state"])]

    def __str__(self):
        return self.title


class ConsultationActivity(TimeStampedModel):
    """A consultation meeting (or visit) on a topic; date, place and attendance live on the Activity."""

    topic = models.ForeignKey(
        ConsultationTopic, verbose_name="协商议题", on_delete=models.PROTECT, related_name="activities"
    )
    activity = models.OneToOneField(
        Activity, verbose_name="履职活动", on_delete=models.PROTECT, related_name="consultation"
    )
    form = models.CharField("协商形式", max_length=20, choices=Form.choices)
    units = models.ManyToManyField(
        HandlingUnit, verbose_name="参加部门", related_name="consultation_activities", blank=True
    )
    summary = models.TextField("会议纪要", max_length=TEXT_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = "协商活动"
        verbose_name_plural = "协商活动"
        ordering = ["-activity__start_date", "-id"]

    def __str__(self):
        return str(self.activity)


class Speech(models.Model):
    consultation = models.ForeignKey(ConsultationActivity, on_delete=models.CASCADE, related_name="speeches")
    member = optional_fk(Member, "发言委员", related_name="+")
    speaker = models.CharField("发言人", max_length=100, blank=True, help_text="非委员发言时填写，如部门负责人")
    unit = optional_fk(HandlingUnit, "所在部门", related_name="+")
    title = models.CharField("发言题目", max_length=200)
    summary = models.TextField("发言摘要", max_length=TEXT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "协商发言"
        verbose_name_plural = "协商发言"
        ordering = ["consultation", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(member__isnull=False) | ~Q(speaker=""), name="speech_has_speaker")
        ]

    def __str__(self):
        return self.title

    @property
    def speaker_display(self) -> str:
        return self.member.name if self.member_id else self.speaker


class ConsultationOutcome(TimeStampedModel):
    topic = models.OneToOneField(
        ConsultationTopic, verbose_name="协商议题", on_delete=models.PROTECT, related_name="outcome"
    )
    title = models.CharField("成果名称", max_length=200)
    report = models.TextField("成果报告", max_length=TEXT_MAX_LENGTH)
    recommendations = models.PositiveSmallIntegerField(
        "协商意见（条）", default=0, help_text="成果报告提出的意见建议条数，计入工作报告“提出X条协商意见”"
    )
    state = models.CharField(
        "状态", max_length=12, choices=OutcomeState.choices, default=OutcomeState.SUBMITTED, db_index=True
    )
    submitted_at = models.DateTimeField("报送时间")
    submitted_by = user_fk()
    instruction = models.TextField("领导批示", max_length=TEXT_MAX_LENGTH, blank=True)
    instructed_at = models.DateTimeField("批办时间", null=True, blank=True)
    instructed_by = user_fk(optional=True)
    instruction_due = models.DateField("批示办理期限", null=True, blank=True)

    class Meta:
        verbose_name = "协商成果"
        verbose_name_plural = "协商成果"
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="submitted") | (~Q(instruction="") & Q(instructed_at__isnull=False)),
                name="outcome_instructed_before_assigned",
            )
        ]

    def __str__(self):
        return self.title


_file_path = stored_file_path  # the name migration 0001 gives the upload path


class OutcomeFile(StoredFile):
    upload_kind = "consultations"

    outcome = models.ForeignKey(ConsultationOutcome, on_delete=models.CASCADE, related_name="files")

    class Meta(StoredFile.Meta):
        verbose_name = "成果附件"
        verbose_name_plural = "成果附件"


class OutcomeAssignment(models.Model):
    """One department's part in an outcome: assigned (交办), accepted (承办), supervised (督办), answered (反馈)."""

    outcome = models.ForeignKey(ConsultationOutcome, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        HandlingUnit, verbose_name="承办单位", on_delete=models.PROTECT, related_name="outcome_assignments"
    )
    note = models.TextField("交办意见", max_length=TEXT_MAX_LENGTH, blank=True)
    assigned_at = models.DateTimeField("交办时间")
    assigned_by = user_fk()
    due_date = models.DateField("反馈期限")
    accepted_at = models.DateTimeField("签收时间", null=True, blank=True)
    accepted_by = user_fk(optional=True)
    supervision_count = models.PositiveSmallIntegerField("督办次数", default=0)
    adoption, feedback, fed_back_at, fed_back_by = unit_answer_fields()

    class Meta:
        verbose_name = "成果交办"
        verbose_name_plural = "成果交办"
        ordering = ["outcome", "id"]
        constraints = [
            models.UniqueConstraint(fields=["outcome", "unit"], name="outcome_assigned_once_per_unit"),
            models.CheckConstraint(
                condition=Q(fed_back_at__isnull=True) | Q(accepted_at__isnull=False),
                name="outcome_feedback_after_accepting",
            ),
        ]
        indexes = [models.Index(fields=["unit", "fed_back_at"])]

    def __str__(self):
        return f"{self.outcome} → {self.unit}"

    @property
    def step(self) -> str:
        if self.fed_back_at:
            return "已反馈"
        if self.accepted_at:
            return "承办中"
        return "待签收"


class ConsultationEvent(WorkflowEvent):
    """The timeline of a plan, a topic and its outcome — including each step of the processing
    chain (批办, 交办, 承办, 督办, 反馈) with its actor, time and deadline."""

    plan = models.ForeignKey(ConsultationPlan, on_delete=models.CASCADE, related_name="events")
    topic = models.ForeignKey(ConsultationTopic, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    outcome = models.ForeignKey(
        ConsultationOutcome, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    unit = optional_fk(HandlingUnit, related_name="+")
    deadline = models.DateField("期限", null=True, blank=True)

    class Meta(WorkflowEvent.Meta):
        verbose_name = "协商工作记录"
        verbose_name_plural = "协商工作记录"
