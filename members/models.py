from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from cppcc.crypto import EncryptedCharField, KeyedHashField
from cppcc.limits import TEXT_MAX_LENGTH
from cppcc.models import TimeStampedModel

from . import idcard
from .sorting import pinyin_key, stroke_key


class OrderedNameModel(TimeStampedModel):
    """Reference data with a name and the office's own display order."""

    name = models.CharField("名称", max_length=100, unique=True)
    order = models.PositiveIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        abstract = True
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class Term(TimeStampedModel):
    number = models.PositiveSmallIntegerField("届次", unique=True)
    name = models.CharField("名称", max_length=50, unique=True, help_text="如：第九届")
    start_year = models.PositiveSmallIntegerField("起始年份")
    end_year = models.PositiveSmallIntegerField("截止年份")
    is_current = models.BooleanField("本届", default=False)

    class Meta:
        verbose_name = "届次"
        verbose_name_plural = "届次"
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="term_years_ordered"),
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="one_current_term"),
        ]

    def __str__(self):
        return self.name


class Session(TimeStampedModel):
    term = models.ForeignKey(Term, verbose_name="届次", on_delete=models.PROTECT, related_name="sessions")
    number = models.PositiveSmallIntegerField("次序")
    name = models.CharField("名称", max_length=50, help_text="如：第三次会议")
    start_date = models.DateField("开幕日期")
    end_date = models.DateField("闭幕日期", null=True, blank=True)

    class Meta:
        verbose_name = "全体会议"
        verbose_name_plural = "全体会议"
        ordering = ["term__number", "number"]
        constraints = [models.UniqueConstraint(fields=["term", "number"], name="session_number_unique_in_term")]

    def __str__(self):
        return f"{self.term.name}{self.name}"


class Sector(OrderedNameModel):
    class Meta(OrderedNameModel.Meta):
        verbose_name = "界别"
        verbose_name_plural = "界别"


class Party(OrderedNameModel):
    short_name = models.CharField("简称", max_length=20, blank=True)

    class Meta(OrderedNameModel.Meta):
        verbose_name = "党派"
        verbose_name_plural = "党派"


class SpecialCommittee(OrderedNameModel):
    class Meta(OrderedNameModel.Meta):
        verbose_name = "专门委员会"
        verbose_name_plural = "专门委员会"


class MemberGroup(OrderedNameModel):
    class Meta(OrderedNameModel.Meta):
        verbose_name = "委员组"
        verbose_name_plural = "委员组"


class HandlingUnit(OrderedNameModel):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", "政府部门"
        STREET = "street", "街道（镇）"
        ENTERPRISE = "enterprise", "企事业单位"
        OTHER = "other", "其他"

    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.GOVERNMENT)
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="单位账号", related_name="handling_units", blank=True
    )

    class Meta(OrderedNameModel.Meta):
        verbose_name = "承办单位"
        verbose_name_plural = "承办单位"


class Member(TimeStampedModel):
    class Gender(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    class Post(models.TextChoices):
        NONE = "", "—"
        CHAIR = "chair", "主席"
        VICE_CHAIR = "vice_chair", "副主席"
        SECRETARY_GENERAL = "secretary_general", "秘书长"

    class Status(models.TextChoices):
        ACTIVE = "active", "在任"
        RESIGNED = "resigned", "辞去"
        REMOVED = "removed", "撤销"

    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    birth_date = models.DateField("出生日期", null=True, blank=True)
    # Encrypted at rest (cppcc/crypto.py); found and kept unique through the keyed hash.
    id_number = EncryptedCharField("身份证号码", max_length=18, null=True, blank=True)
    id_number_hash = KeyedHashField("身份证号码检索哈希", source="id_number", unique=True)
    phone = EncryptedCharField("手机号码", max_length=30, blank=True)
    employer = models.CharField("工作单位", max_length=200, blank=True)
    title = models.CharField("职务", max_length=200, blank=True)
    sector = models.ForeignKey(Sector, verbose_name="界别", on_delete=models.PROTECT, related_name="members")
    party = models.ForeignKey(Party, verbose_name="党派", on_delete=models.PROTECT, related_name="members")
    group = models.ForeignKey(
        MemberGroup, verbose_name="委员组", on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    committees = models.ManyToManyField(SpecialCommittee, verbose_name="所属专委会", related_name="members", blank=True)
    is_standing = models.BooleanField("常委", default=False)
    post = models.CharField("领导职务", max_length=20, choices=Post.choices, blank=True, default="")
    terms = models.ManyToManyField(Term, verbose_name="任职届次", related_name="members", blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
    )
    note = models.TextField("备注", max_length=TEXT_MAX_LENGTH, blank=True)
    name_stroke_key = models.CharField("笔画排序键", max_length=250, editable=False, db_index=True, default="")
    name_pinyin = models.CharField("拼音", max_length=250, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = "委员"
        verbose_name_plural = "委员"
        ordering = ["name_stroke_key", "id"]
        indexes = [models.Index(fields=["status", "sector"]), models.Index(fields=["status", "party"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.refresh_sort_keys()
        if self.id_number == "":
            self.id_number = None
        super().save(*args, **kwargs)

    @classmethod
    def id_number_hash_of(cls, id_number: str) -> str:
        """The lookup hash of an ID number as typed: `Member.objects.filter(id_number_hash=…)`."""
        return cls._meta.get_field("id_number_hash").compute(cls(id_number=idcard.normalize(id_number)))

    def validate_unique(self, exclude=None):
        exclude = set(exclude or ()) | {"id_number_hash"}
        errors = {}
        try:
            super().validate_unique(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if self.id_number and "id_number" not in exclude:
            digest = self._meta.get_field("id_number_hash").compute(self)
            if Member.objects.exclude(pk=self.pk).filter(id_number_hash=digest).exists():
                duplicate = ValidationError("具有该身份证号码的委员已存在。", code="unique")
                errors.setdefault("id_number", []).append(duplicate)
        if errors:
            raise ValidationError(errors)

    def clean(self):
        if self.id_number:
            self.id_number = idcard.normalize(self.id_number)
            reason = idcard.validation_error(self.id_number)
            if reason:
                raise ValidationError({"id_number": reason})

    def refresh_sort_keys(self):
        self.name_stroke_key = stroke_key(self.name)
        self.name_pinyin = pinyin_key(self.name)

    @property
    def id_number_masked(self) -> str:
        return idcard.mask(self.id_number)

    @property
    def phone_masked(self) -> str:
        return idcard.mask_phone(self.phone)


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
        WELFARE = "welfare", "社会公益"
        POVERTY = "poverty", "扶贫帮困"
        PUBLICITY = "publicity", "宣传报道"
        OTHER = "other", "其他"

    kind = models.CharField("类型", max_length=20, choices=Kind.choices, db_index=True)
    title = models.CharField("名称", max_length=200)
    start_date = models.DateField("开始日期", db_index=True)
    end_date = models.DateField("结束日期", null=True, blank=True)
    place = models.CharField("地点", max_length=200, blank=True)
    organiser_committee = models.ForeignKey(
        SpecialCommittee, verbose_name="组织专委会", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organiser_group = models.ForeignKey(
        MemberGroup, verbose_name="组织委员组", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
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

    title = models.CharField("名称", max_length=200)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.RULE)
    adopted_on = models.DateField("通过日期", db_index=True)
    adopted_at = models.CharField("通过会议", max_length=100, blank=True)
    note = models.TextField("备注", max_length=TEXT_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = "制度文件"
        verbose_name_plural = "制度文件"
        ordering = ["-adopted_on", "-id"]

    def __str__(self):
        return self.title


def default_bands():
    return [[90, "优秀"], [80, "良好"], [60, "称职"], [0, "不称职"]]


class AssessmentScheme(TimeStampedModel):
    """The points scheme of one year (履职量化考核办法), edited by the office."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    name = models.CharField("名称", max_length=100)
    bands = models.JSONField("等次", default=default_bands, help_text="[[最低分, 等次], …]，从高到低")
    max_total = models.DecimalField("满分", max_digits=6, decimal_places=1, default=100)

    class Meta:
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
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
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
    member = models.ForeignKey(
        Member, verbose_name="委员", on_delete=models.PROTECT, null=True, blank=True, related_name="assessment_awards"
    )
    group = models.ForeignKey(
        MemberGroup,
        verbose_name="委员组",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessment_awards",
    )
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
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
