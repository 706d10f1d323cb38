"""Recompute the pinyin sort key with the surname readings (曾 zeng, 单 shan …)."""

from django.db import migrations


def recompute(apps, schema_editor):
    from members.sorting import pinyin_key

    Member = apps.get_model("members", "Member")
    batch = []
    for member in Member.objects.only("pk", "name").iterator(chunk_size=500):
        member.name_pinyin = pinyin_key(member.name)
        batch.append(member)
    Member.objects.bulk_update(batch, ["name_pinyin"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("members", "0002_roles")]
    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
