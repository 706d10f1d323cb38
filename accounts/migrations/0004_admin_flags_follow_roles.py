"""Bring existing accounts in line with the rule that the Django admin flags follow the system
administrator role exactly (issue 12): a holder of the `admin` role has `is_staff` and the `auth`
app's permissions and is no superuser; a holder of any other role has neither flag nor permission.
Accounts without a role (a console-made superuser) are left alone."""

from django.db import migrations

ROLES = ("member", "office", "unit", "leader", "admin", "auditor", "security")


def forwards(apps, schema_editor):
    User = apps.get_model("auth", "User")
    Permission = apps.get_model("auth", "Permission")
    others = User.objects.filter(groups__name__in=[r for r in ROLES if r != "admin"]).distinct()
    for user in others:
        User.objects.filter(pk=user.pk).update(is_staff=False, is_superuser=False)
        user.user_permissions.clear()
    admins = User.objects.filter(groups__name="admin").exclude(pk__in=others.values("pk")).distinct()
    auth_permissions = list(Permission.objects.filter(content_type__app_label="auth"))
    for user in admins:
        User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=False)
        user.user_permissions.set(auth_permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_api_tokens"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
