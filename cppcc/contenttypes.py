"""A migration operation for models that move from one app to another and keep their tables."""

from django.db import migrations


def move_content_types(models: tuple[str, ...], *, old: str, new: str) -> migrations.RunPython:
    """Relabel the ContentType rows of `models` from app `old` to app `new` (and back when unapplied),
    so that permissions and audit-log entries keep pointing at the same rows. A row already present
    under the new label (a database where the new app was seen first) is left alone."""

    def relabel(apps, source: str, target: str):
        ContentType = apps.get_model("contenttypes", "ContentType")
        for model in models:
            if not ContentType.objects.filter(app_label=target, model=model).exists():
                ContentType.objects.filter(app_label=source, model=model).update(app_label=target)

    return migrations.RunPython(
        lambda apps, schema_editor: relabel(apps, old, new),
        lambda apps, schema_editor: relabel(apps, new, old),
    )
