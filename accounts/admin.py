"""Django admin for the system administrator: create and deactivate accounts, never grant roles.

Roles (groups), permissions and the superuser/staff flags are read-only here; they change only
through the security administrator's page (三员分立). An account added here, or whose password is
set here by someone else, must change its password at first login.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group

from cppcc.roles import Role

from . import services

User = get_user_model()

admin.site.unregister(User)
admin.site.unregister(Group)


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
        (None, {"fields": ("username", "password", "password_status")}),
        ("个人信息", {"fields": ("first_name", "last_name", "email")}),
        ("状态", {"fields": ("is_active",)}),
        (
            "角色与权限（只读，由安全管理员在“角色分配”页面调整）",
            {"fields": ("groups", "is_staff", "is_superuser", "user_permissions")},
        ),
        ("时间", {"fields": ("last_login", "date_joined")}),
    )
    list_display = ("username", "first_name", "role_list", "is_active", "must_change", "last_login")
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
        super().save_model(request, obj, form, change)
        if not change:
            services.require_password_change(user=obj)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, unquote(id))
            if user is not None and user.pk != request.user.pk:
                services.require_password_change(user=user)
        return response


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """The role groups are named in code; renaming or deleting one would silently break every check."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
