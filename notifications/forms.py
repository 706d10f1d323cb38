from django import forms

from cppcc.form_fields import widget_classes

from .channels import normalise_mobile
from .models import NotificationPreference


class NotificationPreferenceForm(forms.ModelForm):
    """The user's channel choices. The mobile number is never shown back in full: the field starts empty
    and an empty field keeps the number saved before (clear_mobile removes it)."""

    mobile = forms.CharField(
        label="接收短信的手机号码",
        required=False,
        max_length=20,
        help_text="留空则保持原号码不变；未填写时使用委员信息中登记的手机号码（如有）。",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    clear_mobile = forms.BooleanField(label="删除已保存的手机号码", required=False)

    class Meta:
        model = NotificationPreference
        fields = ["handoff_email", "handoff_sms", "reminder_email", "reminder_sms", "quiet_start", "quiet_end"]
        widgets = {
            "handoff_email": forms.RadioSelect,
            "reminder_email": forms.RadioSelect,
            "quiet_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        labels = {
            "handoff_email": "电子邮件",
            "reminder_email": "电子邮件",
            "handoff_sms": "同时发送短信",
            "reminder_sms": "同时发送短信",
            "quiet_start": "免打扰开始",
            "quiet_end": "免打扰结束",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["mobile"] = ""  # never the saved number
        for field in self.fields.values():
            field.show_hidden_initial = False  # (set for the settings-derived defaults; the page needs none)
        widget_classes(self, check=(forms.CheckboxInput, forms.RadioSelect))
        for name in ("handoff_email", "reminder_email"):
            self.fields[name].widget.attrs["class"] = "form-check-input"

    def clean_mobile(self):
        return normalise_mobile(self.cleaned_data.get("mobile", ""))

    def clean(self):
        data = super().clean()
        if data.get("clear_mobile") and data.get("mobile"):
            self.add_error("mobile", "要删除号码时请不要同时填写新号码。")
        return data
