"""On PostgreSQL, make the security events and django-auditlog's change log append-only within the
retention (see securitylog/guard.py). Other databases (the embedded SQLite demo) are left as they are."""

from django.db import migrations


def install(apps, schema_editor):
    from securitylog import guard

    guard.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from securitylog import guard

    guard.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("securitylog", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
