"""The draft form of the browser pages. Validation of the rules lives in the services; this form
only parses input and returns model instances for `services.proposal_create/proposal_update`."""

from django import forms

from cppcc.form_fields import (
    MemberChoiceField,
    MemberMultipleChoiceField,
    MultipleFileField,
    mark_invalid,
    widget_classes,
)
from cppcc.limits import TEXT_MAX_LENGTH
from cppcc.page_drafts import DraftFormMixin
from members.models import Member, MemberGroup, Party, Sector, Session, SpecialCommittee, Term
from members.selectors import active_members

from .models import Proposal, ProposalCategory
from .services import COLLECTIVE_FIELDS

OFFICE_FIELDS = ("kind", "lead_proposer", *COLLECTIVE_FIELDS)


class ProposalForm(DraftFormMixin, forms.Form):
    people_field = "cosigners"
    lead_field = "lead_proposer"

    title = forms.CharField(label="案题", max_length=200)
    category = forms.ModelChoiceField(
        label="类别", queryset=ProposalCategory.objects.filter(is_active=True), empty_label="请选择"
    )
    session = forms.ModelChoiceField(
        label="会议",
        queryset=Session.objects.none(),
        required=False,
        empty_label="闭会期间",
        help_text="大会期间提出的提案请选择所在会议；留空表示闭会期间提出。",
    )
    background = forms.CharField(
        max_length=TEXT_MAX_LENGTH, label="案由", required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    suggestions = forms.CharField(
        max_length=TEXT_MAX_LENGTH, label="建议", required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    kind = forms.ChoiceField(
        label="提案方式", choices=Proposal.Kind.choices, initial=Proposal.Kind.INDIVIDUAL, widget=forms.RadioSelect
    )
    lead_proposer = MemberChoiceField(
        label="第一提案人",
        queryset=Member.objects.none(),
        required=False,
        empty_label="请选择",
        help_text="个人提案必填。",
    )
    collective_party = forms.ModelChoiceField(
        label="提案党派", queryset=Party.objects.all(), required=False, empty_label="—"
    )
    collective_sector = forms.ModelChoiceField(
        label="提案界别", queryset=Sector.objects.all(), required=False, empty_label="—"
    )
    collective_group = forms.ModelChoiceField(
        label="提案委员组", queryset=MemberGroup.objects.all(), required=False, empty_label="—"
    )
    collective_committee = forms.ModelChoiceField(
        label="提案专委会", queryset=SpecialCommittee.objects.all(), required=False, empty_label="—"
    )
    cosigners = MemberMultipleChoiceField(
        label="附议委员",
        queryset=Member.objects.none(),
        required=False,
        help_text="按住 Ctrl（Mac 上为 ⌘）可多选。被邀请的委员确认后即成为附议人。",
    )
    contact_name = forms.CharField(label="联系人", max_length=50, required=False, help_text="留空则为第一提案人。")
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    attachments = MultipleFileField(
        label="附件",
        required=False,
        help_text="可多选；只接受 PDF、Word（.doc/.docx）和 PNG/JPEG 图片。",
    )

    def __init__(self, *args, office=False, user=None, proposal=None, submitting=False, **kwargs):
        self.proposal = proposal
        self.submitting = submitting
        if proposal is not None and "initial" not in kwargs:
            initial = {
                name: getattr(proposal, name)
                for name in (
                    "title",
                    "category",
                    "session",
                    "background",
                    "suggestions",
                    "contact_name",
                    "contact_phone",
                    *OFFICE_FIELDS,
                )
            }
            initial["cosigners"] = [c.member for c in proposal.cosigners.all()]
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        term = proposal.term if proposal is not None else Term.objects.filter(is_current=True).first()
        self.fields["session"].queryset = Session.objects.filter(term=term).select_related("term")
        self.choose_members(active_members(), office=office, user=user, size=10)
        if not office:
            # A member writes in their own name; the service sets the proposer.
            for name in OFFICE_FIELDS:
                del self.fields[name]
        widget_classes(self, check=(forms.RadioSelect,), mark_errors=False)

    @property
    def is_office(self) -> bool:
        return "kind" in self.fields

    def clean(self):
        data = super().clean()
        if self.submitting:
            for name in ("background", "suggestions"):
                if not (data.get(name) or "").strip():
                    self.add_error(name, "提交前须填写此项。")
        return data

    def add_error(self, field, error):
        super().add_error(field, error)
        # Errors from validation and from the service alike turn their field red.
        mark_invalid(self, self._errors or {}, skip=(forms.RadioSelect,))
