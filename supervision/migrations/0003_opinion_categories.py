from django.db import migrations

CATEGORIES = ["经济", "政治", "文化", "社会", "生态", "其他"]


def create(apps, schema_editor):
    Category = apps.get_model("supervision", "OpinionCategory")
    for order, name in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(name=name, defaults={"order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("supervision", "0002_opinion_reports")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
