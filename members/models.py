from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from cppcc.crypto import EncryptedCharField, KeyedHashField
from cppcc.limits import TEXT_MAX_LENGTH
from cppcc.models import OrderedNameModel, TimeStampedModel

from . import idcard
from .sorting import pinyin_key, stroke_key


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
