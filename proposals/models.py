from django.conf import settings
from django.db import models
from django.db.models import Q

from cppcc.crypto import EncryptedCharField
from cppcc.limits import TEXT_MAX_LENGTH
from cppcc.models import (
    ConfigurableCategory,
    StoredFile,
    TimeStampedModel,
    WorkflowEvent,
    optional_fk,
    stored_file_path,
    user_fk,
)
from members.models import HandlingUnit, Member, MemberGroup, Party, Sector, Session, SpecialCommittee, Term


class ProposalCategory(ConfigurableCategory):
    """经济建设, 政治建设 … (migration 0002)."""

    class Meta(ConfigurableCategory.Meta):
        verbose_name = "提案类别"
        verbose_name_plural = "提案类别"


class State(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审查"
    WITHDRAWN = "withdrawn", "已撤回"
    FILED = "filed", "已立案"
    NOT_FILED = "not_filed", "不立案"
    MERGED = "merged", "已并案"
    CONVERTED = "converted", "转社情民意"
    ASSIGNED = "assigned", "已交办"
    HANDLING = "handling", "办理中"
    REPLIED = "replied", "已答复"
    REHANDLING = "rehandling", "重新办理"
    CLOSED = "closed", "已办结"


OPEN_STATES = (State.FILED, State.ASSIGNED, State.HANDLING, State.REPLIED, State.REHANDLING)
NUMBERED_STATES = (*OPEN_STATES, State.CLOSED)


class RejectReason(models.TextChoices):
    STATE_SECRETS = "state_secrets", "涉及党和国家秘密"
    LITIGATION = "litigation", "涉及民事、刑事、行政诉讼或仲裁"
    PERSONAL = "personal", "属于提案者本人及其亲属的个人事务"
    PROMOTION = "promotion", "为企业、产品宣传推介"
    ACCUSATION = "accusation", "对具体人员的检举、控告"
    ACADEMIC = "academic", "属于学术探讨"
    PARTY_INTERNAL = "party_internal", "属于党派团体内部事务"
    EMPTY = "empty", "内容空泛、没有具体建议"
    OTHER = "other", "其他"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class Proposal(TimeStampedModel):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", "个人提案"
        COLLECTIVE = "collective", "集体提案"

    term = models.ForeignKey(Term, verbose_name="届次", on_delete=models.PROTECT, related_name="proposals")
    session = models.ForeignKey(
        Session,
        verbose_name="会议",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        help_text="留空表示闭会期间提出",
    )
    number = models.PositiveIntegerField("提案号", null=True, blank=True, editable=False)
    title = models.CharField("案题", max_length=200)
    category = models.ForeignKey(
        ProposalCategory, verbose_name="类别", on_delete=models.PROTECT, related_name="proposals"
    )
    background = models.TextField("案由", max_length=TEXT_MAX_LENGTH, blank=True)
    suggestions = models.TextField("建议", max_length=TEXT_MAX_LENGTH, blank=True)
    kind = models.CharField("提案方式", max_length=12, choices=Kind.choices, default=Kind.INDIVIDUAL)
    lead_proposer = optional_fk(Member, "第一提案人", related_name="led_proposals")
    collective_party = optional_fk(Party, "提案党派", related_name="+")
    collective_sector = optional_fk(Sector, "提案界别", related_name="+")
    collective_group = optional_fk(MemberGroup, "提案委员组", related_name="+")
    collective_committee = optional_fk(SpecialCommittee, "提案专委会", related_name="+")
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    # The proposer's own (usually mobile) number: encrypted at rest like the members' (docs/personal-data.md).
    contact_phone = EncryptedCharField("联系电话", max_length=30, blank=True)
    created_by = user_fk("录入人")
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.DRAFT, db_index=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    filed_at = models.DateTimeField("立案时间", null=True, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    reject_reason = models.CharField("不立案理由", max_length=20, choices=RejectReason.choices, blank=True)
    reject_note = models.TextField("不立案说明", max_length=TEXT_MAX_LENGTH, blank=True)
    revision_note = models.TextField("退回补充意见", max_length=TEXT_MAX_LENGTH, blank=True)
    merged_into = optional_fk("self", "并入提案", related_name="merged")
    is_key = models.BooleanField("重点提案", default=False)
    key_leader = user_fk("牵头领导", optional=True)
    is_excellent = models.BooleanField("优秀提案", default=False)
    supervisor = user_fk("督办领导", optional=True)
    supervision_note = models.TextField("督办意见", max_length=TEXT_MAX_LENGTH, blank=True)
    satisfaction = models.CharField("委员评价", max_length=20, choices=Satisfaction.choices, blank=True)
    feedback_comment = models.TextField("评价意见", max_length=TEXT_MAX_LENGTH, blank=True)
    feedback_at = models.DateTimeField("评价时间", null=True, blank=True)
    feedback_due = models.DateField("评价期限", null=True, blank=True)
    rehandle_count = models.PositiveSmallIntegerField("重办次数", default=0)

    class Meta:
        verbose_name = "提案"
        verbose_name_plural = "提案"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="proposal_number_unique_in_term"),
            models.CheckConstraint(
                condition=Q(kind="collective") | Q(lead_proposer__isnull=False),
                name="individual_proposal_has_lead",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | ~Q(state__in=["draft", "submitted", "withdrawn"]),
                name="only_filed_proposals_numbered",
            ),
        ]
        indexes = [
            models.Index(fields=["term", "state"]),
            models.Index(fields=["state", "category"]),
            # The annual statistics, the dashboard and the list's `year` filter select by submission
            # date; the default list order walks created_at; satisfaction is counted by feedback date
            # (bench/README.md has the plans and figures before and after).
            # On PostgreSQL the period's figures are read from the index alone (an index-only scan
            # reads ~80 pages instead of ~6,300 heap pages for a year); SQLite ignores `include`.
            models.Index(
                fields=["submitted_at"],
                include=[
                    "id",
                    "number",
                    "state",
                    "kind",
                    "category",
                    "is_key",
                    "is_excellent",
                    "lead_proposer",
                    "collective_sector",
                    "collective_party",
                ],
                name="proposal_period_cover_idx",
            ),
            models.Index(fields=["created_at", "id"], name="proposal_created_at_idx"),
            models.Index(fields=["feedback_at"], name="proposal_feedback_at_idx"),
            # The assessment counts each member's filed proposals of a year by filing date.
            models.Index(fields=["filed_at"], name="proposal_filed_at_idx"),
        ]

    def __str__(self):
        return f"{self.number_display} {self.title}" if self.number else self.title

    @property
    def number_display(self) -> str:
        if self.number is None:
            return ""
        return settings.PROPOSAL_NUMBER_FORMAT.format(number=self.number)

    @property
    def proposer_display(self) -> str:
        if self.kind == self.Kind.COLLECTIVE:
            if "collective_name" in self.__dict__:  # annotated by the list selector
                return self.collective_name or "集体提案"
            body = self.collective_party or self.collective_sector or self.collective_group or self.collective_committee
            return str(body) if body else "集体提案"
        return self.lead_proposer.name if self.lead_proposer else ""

    def is_owned_by(self, user) -> bool:
        """Its author or its lead proposer: who may change a draft and sees the contact phone in full."""
        return self.created_by_id == user.pk or (
            self.lead_proposer_id is not None and self.lead_proposer.user_id == user.pk
        )


class ProposalCounter(models.Model):
    """The last number given in a term; its row is locked while a proposal is filed."""

    term = models.OneToOneField(Term, on_delete=models.PROTECT, related_name="proposal_counter")
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "提案编号计数器"
        verbose_name_plural = "提案编号计数器"

    def __str__(self):
        return f"{self.term}：{self.last_number}"


class CoSigner(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="cosigners")
    member = models.ForeignKey(Member, verbose_name="附议委员", on_delete=models.PROTECT, related_name="cosignatures")
    invited_at = models.DateTimeField("邀请时间", auto_now_add=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    declined_at = models.DateTimeField("谢绝时间", null=True, blank=True)
    decline_reason = models.CharField("谢绝理由", max_length=200, blank=True)

    class Meta:
        verbose_name = "附议人"
        verbose_name_plural = "附议人"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["proposal", "member"], name="cosigner_once")]

    def __str__(self):
        return str(self.member)


_attachment_path = stored_file_path  # the name migration 0001 gives the upload path


class Attachment(StoredFile):
    upload_kind = "proposals"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")

    class Meta(StoredFile.Meta):
        verbose_name = "附件"
        verbose_name_plural = "附件"


class Assignment(models.Model):
    """One handling unit's part in a proposal (主办/会办/分办), with its deadlines."""

    class Role(models.TextChoices):
        LEAD = "lead", "主办"
        CO = "co", "会办"
        SPLIT = "split", "分办"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        HandlingUnit, verbose_name="承办单位", on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField("办理方式", max_length=8, choices=Role.choices)
    assigned_at = models.DateTimeField("交办时间")
    assigned_by = user_fk()
    due_date = models.DateField("答复期限")
    max_due_date = models.DateField("最长期限")
    return_deadline = models.DateField("退回期限")
    accepted_at = models.DateTimeField("签收时间", null=True, blank=True)
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    return_reason = models.TextField("退回理由", max_length=TEXT_MAX_LENGTH, blank=True)
    extension_count = models.PositiveSmallIntegerField("延期次数", default=0)
    # A unit's request for more time (申请延期), waiting for the office's decision while set.
    extension_requested_at = models.DateTimeField("申请延期时间", null=True, blank=True)
    extension_requested_due = models.DateField("申请延至", null=True, blank=True)
    extension_reason = models.TextField("延期理由", max_length=TEXT_MAX_LENGTH, blank=True)
    is_active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "交办"
        verbose_name_plural = "交办"
        ordering = ["proposal", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "unit"], condition=Q(is_active=True), name="one_active_assignment_per_unit"
            ),
            models.CheckConstraint(condition=Q(due_date__lte=models.F("max_due_date")), name="due_within_max"),
        ]
        indexes = [models.Index(fields=["unit", "is_active"]), models.Index(fields=["is_active", "due_date"])]

    def __str__(self):
        return f"{self.proposal} → {self.unit}（{self.get_role_display()}）"

    @property
    def requires_approved_reply(self) -> bool:
        """Co-units give their opinion to the lead unit; the lead and split units answer the proposer."""
        return self.role != self.Role.CO


class Reply(models.Model):
    class Result(models.TextChoices):
        A = "A", "A类（已解决或基本解决）"
        B = "B", "B类（正在解决或列入计划解决）"
        C = "C", "C类（因条件限制暂不能解决，留作参考）"

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "审核通过"
        SENT_BACK = "sent_back", "退回修改"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="replies")
    round = models.PositiveSmallIntegerField("办理轮次", default=1)
    result = models.CharField("办理结果", max_length=1, choices=Result.choices)
    letter_number = models.CharField("答复文号", max_length=100, blank=True)
    content = models.TextField("答复内容", max_length=TEXT_MAX_LENGTH)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    attachment = models.ForeignKey(Attachment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    submitted_by = user_fk()
    submitted_at = models.DateTimeField("答复时间")
    status = models.CharField("审核状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    reviewed_by = user_fk(optional=True)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_note = models.TextField("审核意见", max_length=TEXT_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = "答复"
        verbose_name_plural = "答复"
        ordering = ["submitted_at", "id"]
        indexes = [
            models.Index(fields=["assignment", "round", "status"]),
            # Approved replies by reply date: the result classes (A/B/C) of a period.
            models.Index(
                fields=["status", "submitted_at"], include=["id", "assignment", "result"], name="reply_period_cover_idx"
            ),
        ]

    def __str__(self):
        return f"{self.assignment.unit}答复（{self.result}类）"


class ProposalEvent(WorkflowEvent):
    """The timeline: every transition and decision, who made it and when."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField("原状态", max_length=12, choices=State.choices, blank=True)
    to_state = models.CharField("新状态", max_length=12, choices=State.choices, blank=True)

    class Meta(WorkflowEvent.Meta):
        verbose_name = "提案办理记录"
        verbose_name_plural = "提案办理记录"
