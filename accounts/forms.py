from django import forms
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.contrib.auth.hashers import check_password

from cppcc.roles import Role
from members.models import HandlingUnit


class PasswordChangeForm(DjangoPasswordChangeForm):
    """Django's form, plus: the new password may not be the one being replaced."""

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("new_password1")
        # hashers.check_password, not user.check_password: that one may re-save an upgraded hash.
        if password and not self.has_error("new_password2") and check_password(password, self.user.password):
            self.add_error(
                "new_password2", forms.ValidationError("新密码不能与原密码相同。", code="password_unchanged")
            )
        return cleaned


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label="角色", choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


USERNAME_HELP = "字母、数字及 @.+-_，开通后不能修改。"


def _text(**attrs):
    return forms.TextInput(attrs={"class": "form-control", **attrs})


class MemberAccountForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150, help_text=USERNAME_HELP, widget=_text())


class UnitAccountForm(forms.Form):
    unit = forms.ModelChoiceField(
        label="承办单位",
        queryset=HandlingUnit.objects.filter(is_active=True),
        empty_label="请选择承办单位",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    full_name = forms.CharField(label="使用人姓名", max_length=150, widget=_text())
    username = forms.CharField(label="用户名", max_length=150, help_text=USERNAME_HELP, widget=_text())


class PasswordResetRequestForm(forms.Form):
    identifier = forms.CharField(
        label="用户名或电子邮箱", max_length=254, widget=_text(autocomplete="username", autofocus=True)
    )
