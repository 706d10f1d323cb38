"""Browser forms: they parse input only; the rules live in the services."""

from django import forms

from cppcc.form_fields import default_widget_classes
from cppcc.limits import TEXT_MAX_LENGTH
from members.models import HandlingUnit, MemberGroup, SpecialCommittee

from .models import Kind, Organiser


class InspectionForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=Kind.choices)
    title = forms.CharField(label="活动名称", max_length=200)
    topic = forms.CharField(label="主题", max_length=100, help_text="如：水污染防治、城中村改造和棚户区改造")
    start_date = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label="地点", max_length=200, required=False)
    organiser = forms.ChoiceField(label="组织方", choices=Organiser.choices, initial=Organiser.STANDING)
    organiser_committee = forms.ModelChoiceField(
        label="组织专委会", queryset=SpecialCommittee.objects.filter(is_active=True), required=False, empty_label="—"
    )
    organiser_group = forms.ModelChoiceField(
        label="组织委员组", queryset=MemberGroup.objects.filter(is_active=True), required=False, empty_label="—"
    )
    units_briefed = forms.ModelMultipleChoiceField(
        label="听取汇报的部门",
        queryset=HandlingUnit.objects.filter(is_active=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    description = forms.CharField(
        max_length=TEXT_MAX_LENGTH, label="活动内容", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    findings = forms.CharField(
        max_length=TEXT_MAX_LENGTH, label="发现的问题与情况", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default_widget_classes(self)

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", "结束日期不能早于开始日期。")
        return data

    @classmethod
    def initial_from(cls, inspection) -> dict:
        activity = inspection.activity
        return {
            "kind": inspection.kind,
            "title": activity.title,
            "topic": inspection.topic,
            "start_date": activity.start_date,
            "end_date": activity.end_date,
            "place": activity.place,
            "organiser": inspection.organiser,
            "organiser_committee": activity.organiser_committee_id,
            "organiser_group": activity.organiser_group_id,
            "units_briefed": list(inspection.units_briefed.all()),
            "description": activity.description,
            "findings": inspection.findings,
        }
