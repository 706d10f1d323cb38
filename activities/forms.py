"""Browser forms of the activity, attendance and assessment pages: they parse input; the rules live in the
services."""

from django import forms

from cppcc.form_fields import widget_classes
from members.models import MemberGroup, SpecialCommittee

from .models import Activity, Regulation

K = Activity.Kind

# Kinds recorded by their own pages (with topics, recommendations and a timeline); the activity pages
# list them but do not create them, so that nothing is entered twice.
MANAGED_KINDS = frozenset({K.CONSULTATION, K.INSPECTION, K.RESEARCH, K.SUPERVISION})

QUANTITY_FIELDS = [
    "donations_wan",
    "funds_raised_wan",
    "people_served",
    "jobs_offered",
    "companies",
    "cooperation_intents",
    "services_provided",
    "delegations_received",
    "visits_made",
    "articles_published",
]
# The work-report quantities that usually apply to a kind (the form shows these; others stay reachable).
RELEVANT_QUANTITIES = {
    Activity.Kind.PLENARY: [],
    Activity.Kind.STANDING: [],
    Activity.Kind.CHAIR: [],
    Activity.Kind.TRAINING: [],
    Activity.Kind.GROUP: ["companies", "cooperation_intents", "services_provided", "visits_made"],
    Activity.Kind.EXCHANGE: ["companies", "cooperation_intents", "services_provided", "delegations_received"],
    Activity.Kind.WELFARE: ["donations_wan", "funds_raised_wan", "people_served", "visits_made"],
    Activity.Kind.POVERTY: ["donations_wan", "funds_raised_wan", "people_served", "jobs_offered", "visits_made"],
    Activity.Kind.PUBLICITY: ["articles_published"],
    Activity.Kind.OTHER: QUANTITY_FIELDS,
}
HALF_DAY_KINDS = [Activity.Kind.PLENARY, Activity.Kind.STANDING, Activity.Kind.CHAIR]


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "kind",
            "title",
            "start_date",
            "end_date",
            "place",
            "organiser_committee",
            "organiser_group",
            "half_days",
            "description",
            *QUANTITY_FIELDS,
            "signup_open",
            "signup_deadline",
            "capacity",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "signup_deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser_committee"].queryset = SpecialCommittee.objects.filter(is_active=True)
        self.fields["organiser_group"].queryset = MemberGroup.objects.filter(is_active=True)
        self.fields["organiser_committee"].empty_label = self.fields["organiser_group"].empty_label = "—"
        kind = self.fields["kind"]
        current = self.instance.kind if self.instance.pk else None
        if current in MANAGED_KINDS:
            # Owned by the consultation / inspection pages: the kind stays what it is.
            kind.choices = [(current, self.instance.get_kind_display())]
            kind.disabled = True
        else:
            kind.choices = [("", "—— 请选择 ——")] + [c for c in Activity.Kind.choices if c[0] not in MANAGED_KINDS]
            kind.help_text = "协商活动、视察、调研、民主监督请在“协商监督”中登记。"
        widget_classes(self)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "结束日期不能早于开始日期。")
        deadline = data.get("signup_deadline")
        if start and deadline and deadline >= start:
            self.add_error("signup_deadline", "报名截止日期应早于活动开始日期。")
        return data

    def _post_clean(self):
        # Model validation runs in the service, which reports it.
        pass

    def quantity_fields(self):
        return [self[name] for name in QUANTITY_FIELDS]


class RegulationForm(forms.ModelForm):
    class Meta:
        model = Regulation
        fields = ["title", "kind", "adopted_on", "adopted_at", "note"]
        widgets = {
            "adopted_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        widget_classes(self)

    def _post_clean(self):
        pass


class AttendanceImportForm(forms.Form):
    file = forms.FileField(label="出勤登记表（.xlsx）", widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
