from django import forms

from cppcc.form_fields import widget_classes

from . import idcard
from .models import Member


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = [
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "id_number",
            "phone",
            "sector",
            "party",
            "group",
            "committees",
            "is_standing",
            "post",
            "employer",
            "title",
            "terms",
            "status",
            "note",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "committees": forms.CheckboxSelectMultiple,
            "terms": forms.CheckboxSelectMultiple,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        widget_classes(self, check=(forms.CheckboxSelectMultiple, forms.CheckboxInput))

    def clean_id_number(self):
        value = idcard.normalize(self.cleaned_data.get("id_number") or "")
        if not value:
            return None
        reason = idcard.validation_error(value)
        if reason:
            raise forms.ValidationError(reason)
        return value

    def _post_clean(self):
        # Model validation (unique ID number and the rest) runs in the service, which reports it.
        pass


class RosterImportForm(forms.Form):
    file = forms.FileField(label="委员名册（.xlsx）", widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


class IdNumberLookupForm(forms.Form):
    """Find a member by ID number. Posted, never a GET parameter: the number stays out of URLs,
    browser history and access logs."""

    id_number = forms.CharField(
        label="身份证号码", max_length=18, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )

    def clean_id_number(self):
        value = idcard.normalize(self.cleaned_data["id_number"])
        reason = idcard.validation_error(value)
        if reason:
            raise forms.ValidationError(reason)
        return value
