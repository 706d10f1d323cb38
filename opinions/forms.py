"""Browser forms for social-opinion reports. They parse input only; the rules live in the services."""

from django import forms

from cppcc.form_fields import (
    MemberChoiceField,
    MemberMultipleChoiceField,
    MultipleFileField,
    default_widget_classes,
    mark_invalid,
)
from cppcc.limits import TEXT_MAX_LENGTH
from cppcc.page_drafts import DraftFormMixin
from members.models import Member
from members.selectors import active_members

from .models import OpinionCategory


class OpinionForm(DraftFormMixin, forms.Form):
    """The author's form: write, save as draft or submit; the office enters a report for a member."""

    people_field = "coauthors"
    lead_field = "lead_author"

    title = forms.CharField(label="标题", max_length=200)
    category = forms.ModelChoiceField(
        label="类别", queryset=OpinionCategory.objects.filter(is_active=True), empty_label="请选择"
    )
    content = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label="内容",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="反映的情况、问题和建议。提交前须填写。",
    )
    lead_author = MemberChoiceField(
        label="第一作者（代为录入的委员）",
        queryset=Member.objects.none(),
        required=False,
        empty_label="请选择",
        help_text="机关工作人员或信息员代委员录入时选择。",
    )
    coauthors = MemberMultipleChoiceField(
        label="联名委员",
        queryset=Member.objects.none(),
        required=False,
        help_text="按住 Ctrl（Mac 上为 ⌘）可多选。联名委员可查看本信息，履职考核同样计分。",
    )
    attachments = MultipleFileField(
        label="附件", required=False, help_text="可多选；只接受 PDF、Word（.doc/.docx）和 PNG/JPEG 图片。"
    )

    def __init__(self, *args, office=False, user=None, report=None, submitting=False, **kwargs):
        self.report = report
        self.submitting = submitting
        if report is not None and "initial" not in kwargs:
            authors = list(report.authors.all())
            kwargs["initial"] = {
                "title": report.title,
                "category": report.category_id,
                "content": report.content,
                "lead_author": next((a.member_id for a in authors if a.is_lead), None),
                "coauthors": [a.member_id for a in authors if not a.is_lead],
            }
        super().__init__(*args, **kwargs)
        self.choose_members(active_members(), office=office, user=user, size=8)
        if not office:
            del self.fields["lead_author"]  # a member writes in their own name
        default_widget_classes(self)

    @property
    def is_office(self) -> bool:
        return "lead_author" in self.fields

    def clean(self):
        data = super().clean()
        if self.submitting and not (data.get("content") or "").strip():
            self.add_error("content", "提交前须填写内容。")
        if self.is_office and not data.get("lead_author"):
            self.add_error("lead_author", "请选择代为录入的委员。")
        return data

    def full_clean(self):
        super().full_clean()
        mark_invalid(self, self.errors)


class OpinionEditorForm(forms.Form):
    """The office editor's form while editing (编辑): title, category and content only."""

    title = forms.CharField(label="标题", max_length=200)
    category = forms.ModelChoiceField(
        label="类别", queryset=OpinionCategory.objects.filter(is_active=True), empty_label="请选择"
    )
    content = forms.CharField(max_length=TEXT_MAX_LENGTH, label="内容", widget=forms.Textarea(attrs={"rows": 14}))

    def __init__(self, *args, report=None, **kwargs):
        if report is not None and "initial" not in kwargs:
            kwargs["initial"] = {"title": report.title, "category": report.category_id, "content": report.content}
        super().__init__(*args, **kwargs)
        default_widget_classes(self)

    def full_clean(self):
        super().full_clean()
        mark_invalid(self, self.errors)
