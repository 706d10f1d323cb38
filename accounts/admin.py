"""Django admin for the system administrator: create and deactivate accounts, never grant roles,
never know a password.

Roles (groups), permissions and the superuser/staff flags are read-only here; they change only
through the security administrator's page (三员分立). There is no password field and no password
form (issue 12): an account is created with an unusable password, and a password is (re)set only by
the holder, through a one-time link sent to the holder's own address (action “发送密码重置链接”).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.http import Http404

from cppcc.errors import ApplicationError
from cppcc.roles import Role

from . import services

User = get_user_model()

admin.site.unregister(User)
admin.site.unregister(Group)


class AccountAddForm(forms.ModelForm):
    """A new account has no password anyone knows: the holder sets it through the link."""

    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "email")

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    readonly_fields = (
        "is_staff",
        "is_superuser",
        "groups",
        "user_permissions",
        "last_login",
        "date_joined",
        "password_status",
    )
    filter_horizontal = ()
    fieldsets = (
        (None, {"fields": ("username", "password_status")}),
        ("个人信息", {"fields": ("first_name", "last_name", "email")}),
        ("状态", {"fields": ("is_active",)}),
        (
            "角色与权限（只读，由安全管理员在“角色分配”页面调整）",
            {"fields": ("groups", "is_staff", "is_superuser", "user_permissions")},
        ),
        ("时间", {"fields": ("last_login", "date_joined")}),
    )
    add_form = AccountAddForm
    add_fieldsets = (
        (
            None,
            {
                "fields": ("username", "first_name", "last_name", "email"),
                "description": "新账号没有初始密码：保存后系统把设置密码的一次性链接发到本人的电子邮箱。",
            },
        ),
    )
    list_display = ("username", "first_name", "role_list", "is_active", "must_change", "last_login")
    actions = ["send_password_reset"]
    list_filter = ("is_active", "groups")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("security").prefetch_related("groups")

    @admin.display(description="角色")
    def role_list(self, obj):
        names = {g.name for g in obj.groups.all()}
        return "、".join(label for value, label in Role.choices if value in names) or "—"

    @admin.display(description="须修改密码", boolean=True)
    def must_change(self, obj):
        security = getattr(obj, "security", None)
        return bool(security and security.must_change_password)

    @admin.display(description="密码状态")
    def password_status(self, obj):
        security = getattr(obj, "security", None)
        if security is None:
            return "—"
        changed = security.password_changed_at.strftime("%Y-%m-%d %H:%M") if security.password_changed_at else "—"
        return f"上次设置：{changed}；" + ("首次登录须修改" if security.must_change_password else "无须修改")

    def save_model(self, request, obj, form, change):
        old_email = form.initial.get("email", "") if change else ""
        super().save_model(request, obj, form, change)
        if change and "email" in form.changed_data:
            services.account_email_changed(actor=request.user, user=obj, old=old_email or "")
        standing = [f for f in ("is_active", "username", "first_name", "last_name") if f in form.changed_data]
        if change and standing:
            services.account_changed(
                actor=request.user,
                user=obj,
                changes={f: {"from": form.initial.get(f), "to": getattr(obj, f)} for f in standing},
            )
        if not change:
            self._send_link(request, obj, created=True)

    def _send_link(self, request, user, *, created=False) -> None:
        try:
            to = services.password_reset_request(actor=request.user, user=user)
        except ApplicationError as exc:
            prefix = f"账号“{user.username}”已创建，但未发出设置密码链接：" if created else ""
            self.message_user(request, prefix + exc.message, messages.ERROR)
        else:
            what = "设置密码" if created else "重置密码"
            self.message_user(request, f"已把{what}的一次性链接发送到“{user.username}”本人的地址 {to}。")

    @admin.action(description="发送密码重置链接（发给账号本人）")
    def send_password_reset(self, request, queryset):
        for user in queryset:
            self._send_link(request, user)

    def delete_model(self, request, obj):
        services.account_changed(actor=request.user, user=obj, changes={}, deleted=True)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            services.account_changed(actor=request.user, user=user, changes={}, deleted=True)
        super().delete_queryset(request, queryset)

    def user_change_password(self, request, id, form_url=""):
        # 三员分立: nobody sets another person's password; the holder uses a reset link.
        raise Http404("密码只能由账号本人通过重置链接设置。")


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """The role groups are named in code; renaming or deleting one would silently break every check."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
