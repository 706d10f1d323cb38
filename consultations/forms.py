"""Browser forms: they parse input only; the rules (sources, states, roles) live in the services."""

from django import forms

from cppcc.form_fields import default_widget_classes
from cppcc.limits import TEXT_MAX_LENGTH
from members.models import HandlingUnit, Member, SpecialCommittee
from proposals.models import Proposal

from .filters import QUARTERS
from .models import ConsultationPlan, Form, PlanState, Source


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.sector.name}）"


class ProposalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.number_display} {obj.title}"


class TopicForm(forms.Form):
    """The office enters topics from every source; a member proposes one in their own name (委员选题)."""

    plan = forms.ModelChoiceField(label="年度计划", queryset=ConsultationPlan.objects.all(), empty_label=None)
    title = forms.CharField(label="议题", max_length=200)
    description = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label="议题说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="选题理由、拟协商的问题。",
    )
    source = forms.ChoiceField(label="来源", choices=Source.choices)
    suggested_by = forms.CharField(
        label="提出方", max_length=100, required=False, help_text="如：区委办公室、区政府办公室、市民来信、民建区委"
    )
    member = MemberChoiceField(
        label="选题委员", queryset=Member.objects.none(), required=False, empty_label="—", help_text="委员选题必填。"
    )
    proposal = ProposalChoiceField(
        label="点题提案", queryset=Proposal.objects.none(), required=False, empty_label="—", help_text="提案点题必填。"
    )
    form = forms.ChoiceField(label="协商形式", choices=[("", "—"), *Form.choices], required=False)
    lead_committee = forms.ModelChoiceField(
        label="牵头专委会", queryset=SpecialCommittee.objects.filter(is_active=True), required=False, empty_label="—"
    )
    planned_quarter = forms.TypedChoiceField(
        label="计划季度", choices=[("", "—"), *QUARTERS], coerce=int, required=False, empty_value=None
    )

    MEMBER_FIELDS = ("plan", "title", "description")

    def __init__(self, *args, office: bool, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if office:
            self.fields["member"].queryset = Member.objects.filter(status=Member.Status.ACTIVE).select_related("sector")
            self.fields["proposal"].queryset = Proposal.objects.filter(number__isnull=False).order_by(
                "-term__number", "-number"
            )
        else:
            for name in list(self.fields):
                if name not in self.MEMBER_FIELDS:
                    del self.fields[name]
            self.fields["plan"].queryset = ConsultationPlan.objects.filter(state=PlanState.DRAFT)
        if editing:
            del self.fields["plan"]
        default_widget_classes(self)

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if "form" in data and data["form"] is None:
            data["form"] = ""
        return data


class ActivityForm(forms.Form):
    title = forms.CharField(label="活动名称", max_length=200, required=False, help_text="不填时使用议题名称")
    start_date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label="地点", max_length=200, required=False)
    form = forms.ChoiceField(label="协商形式", choices=[("", "同议题"), *Form.choices], required=False)
    units = forms.ModelMultipleChoiceField(
        label="参加部门",
        queryset=HandlingUnit.objects.filter(is_active=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    description = forms.CharField(
        max_length=TEXT_MAX_LENGTH, label="内容", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default_widget_classes(self)
