"""The security administrator role (安全管理员) — the third of the 三员 beside admin and auditor."""

from django.db import migrations


def create_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="security")


def remove_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="security").delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("members", "0002_roles")]
    operations = [migrations.RunPython(create_role, remove_role)]
