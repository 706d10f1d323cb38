"""Browser forms of the activity, attendance and assessment pages: they parse input; the rules live in the
services."""

from decimal import Decimal

from django import forms

from cppcc.form_fields import widget_classes
from members.models import MemberGroup, SpecialCommittee

from .models import Activity, KeyProject, QuantityKind, Regulation

K = Activity.Kind

# Kinds recorded by their own pages (with topics, recommendations and a timeline); the activity pages
# list them but do not create them, so that nothing is entered twice.
MANAGED_KINDS = frozenset({K.CONSULTATION, K.INSPECTION, K.RESEARCH, K.SUPERVISION})

QUANTITY_PREFIX = "q_"  # a quantity's form field: q_<code of its QuantityKind>
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
            "is_highlight",
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
        # The work-report quantities of the catalogue: the active ones, and a retired one this activity
        # has a value for (so that editing does not lose it).
        recorded = {}
        if self.instance.pk:
            recorded = {q.kind_id: q.value for q in self.instance.quantities.all()}
        self.quantity_kinds = [k for k in QuantityKind.objects.all() if k.is_active or k.pk in recorded]
        for qk in self.quantity_kinds:
            value = recorded.get(qk.pk)
            if value is not None:  # 3000, not 3000.00, for a count; 1.50 stays for money
                value = value.quantize(Decimal(1).scaleb(-qk.decimal_places))
            self.fields[QUANTITY_PREFIX + qk.code] = forms.DecimalField(
                label=f"{qk.name}（{qk.unit}）",
                required=False,
                min_value=0,
                max_digits=14,
                decimal_places=qk.decimal_places,
                initial=value,
                help_text=qk.report_use,
            )
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
        return [self[QUANTITY_PREFIX + qk.code] for qk in self.quantity_kinds]

    def relevant_quantities(self) -> dict:
        """{activity kind: [quantity field names]}: the quantities the form shows first for a kind."""
        relevant = {kind: [] for kind in Activity.Kind.values}
        for qk in self.quantity_kinds:
            for kind in qk.activity_kinds:
                relevant.setdefault(kind, []).append(QUANTITY_PREFIX + qk.code)
        relevant[Activity.Kind.OTHER] = [QUANTITY_PREFIX + qk.code for qk in self.quantity_kinds]
        return relevant

    def split_quantities(self) -> tuple[dict, dict]:
        """The cleaned data without the quantities, and the quantities ({code: value or None})."""
        data = dict(self.cleaned_data)
        quantities = {qk.code: data.pop(QUANTITY_PREFIX + qk.code, None) for qk in self.quantity_kinds}
        return data, quantities


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


class QuantityKindForm(forms.ModelForm):
    activity_kinds = forms.MultipleChoiceField(
        label="常用于", choices=Activity.Kind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = QuantityKind
        fields = ["name", "code", "unit", "decimal_places", "aggregate", "activity_kinds", "report_use", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:  # a new quantity goes to the end of the list
            last = QuantityKind.objects.order_by("-order").values_list("order", flat=True).first() or 0
            self.fields["order"].initial = last + 10
        widget_classes(self, check=(forms.CheckboxInput, forms.CheckboxSelectMultiple))

    def _post_clean(self):
        pass


class KeyProjectForm(forms.ModelForm):
    class Meta:
        model = KeyProject
        fields = ["year", "name", "stage", "investment_yi", "members", "progress"]
        widgets = {"progress": forms.Textarea(attrs={"rows": 2}), "members": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = self.fields["members"].queryset.filter(status="active")
        self.fields["members"].help_text = "按住 Ctrl（苹果电脑为 Command）可选多位委员"
        widget_classes(self)

    def _post_clean(self):
        pass
