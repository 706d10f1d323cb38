# The work report's quantities become rows of a catalogue (QuantityKind) instead of ten columns of
# Activity: the catalogue is seeded here and each activity's values move into ActivityQuantity.

import django.db.models.deletion
from django.db import migrations, models

from activities.catalogue import ensure_default_catalogue

OLD_COLUMNS = [
    "donations_wan", "funds_raised_wan", "people_served", "jobs_offered", "companies",
    "cooperation_intents", "services_provided", "delegations_received", "visits_made", "articles_published",
]


def catalogue_and_values(apps, schema_editor):
    QuantityKind = apps.get_model("activities", "QuantityKind")
    ActivityQuantity = apps.get_model("activities", "ActivityQuantity")
    Activity = apps.get_model("activities", "Activity")
    kinds = ensure_default_catalogue(QuantityKind)
    rows = []
    for values in Activity.objects.values("id", *OLD_COLUMNS).iterator():
        for column in OLD_COLUMNS:
            if values[column] is not None:
                rows.append(ActivityQuantity(activity_id=values["id"], kind=kinds[column], value=values[column]))
    ActivityQuantity.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0003_activity_kinds_group_leaders_assist'),
        ('members', '0009_activities_and_assessment_moved'),
    ]

    operations = [
        migrations.CreateModel(
            name='QuantityKind',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(help_text='模板中的名称，如 cash_donated_wan', max_length=40, unique=True, verbose_name='代码')),
                ('name', models.CharField(max_length=50, unique=True, verbose_name='名称')),
                ('unit', models.CharField(help_text='如 万元、人次、名、件、份、盏、个、家、起、篇', max_length=10, verbose_name='单位')),
                ('decimal_places', models.PositiveSmallIntegerField(choices=[(0, '整数'), (2, '两位小数')], default=0, help_text='金额（万元）取两位小数', verbose_name='小数位')),
                ('aggregate', models.CharField(choices=[('sum', '合计'), ('max', '取最大值'), ('count', '记录该项的活动数')], default='sum', max_length=5, verbose_name='汇总方式')),
                ('activity_kinds', models.JSONField(blank=True, default=list, help_text='登记这些类型的活动时直接显示此项（其他类型可展开填写）', verbose_name='常用于')),
                ('report_use', models.CharField(blank=True, max_length=200, verbose_name='工作报告中的用途')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='排序')),
                ('is_active', models.BooleanField(default=True, help_text='停用后不再登记，已登记的数据仍计入统计', verbose_name='启用')),
            ],
            options={
                'verbose_name': '工作报告数据项',
                'verbose_name_plural': '工作报告数据项',
                'ordering': ['order', 'id'],
            },
        ),
        migrations.AddField(
            model_name='activity',
            name='is_highlight',
            field=models.BooleanField(default=False, help_text='工作报告在相应段落中单独列出此活动及其数据（如某委员捐赠现金5万元）', verbose_name='典型事例'),
        ),
        migrations.CreateModel(
            name='KeyProject',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('year', models.PositiveSmallIntegerField(db_index=True, verbose_name='年度')),
                ('name', models.CharField(max_length=200, verbose_name='项目名称')),
                ('stage', models.CharField(choices=[('new', '新建'), ('rebuild', '改建'), ('extend', '扩建'), ('continue', '续建')], default='new', max_length=10, verbose_name='建设性质')),
                ('investment_yi', models.DecimalField(blank=True, decimal_places=2, max_digits=10, null=True, verbose_name='总投资（亿元）')),
                ('progress', models.TextField(blank=True, max_length=20000, verbose_name='进展情况')),
                ('members', models.ManyToManyField(blank=True, related_name='key_projects', to='members.member', verbose_name='分包委员')),
            ],
            options={
                'verbose_name': '分包重点项目',
                'verbose_name_plural': '分包重点项目',
                'ordering': ['-year', 'name', 'id'],
                'constraints': [models.UniqueConstraint(fields=('year', 'name'), name='key_project_once_per_year'), models.CheckConstraint(condition=models.Q(('investment_yi__gte', 0)), name='key_project_investment_not_negative')],
            },
        ),
        migrations.CreateModel(
            name='ActivityQuantity',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('value', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='数量')),
                ('activity', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='quantities', to='activities.activity')),
                ('kind', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='values', to='activities.quantitykind', verbose_name='数据项')),
            ],
            options={
                'verbose_name': '活动数据',
                'verbose_name_plural': '活动数据',
                'ordering': ['activity', 'kind__order', 'kind_id'],
                'indexes': [models.Index(fields=['kind', 'activity'], name='activities__kind_id_5c5554_idx')],
                'constraints': [models.UniqueConstraint(fields=('activity', 'kind'), name='quantity_once_per_activity'), models.CheckConstraint(condition=models.Q(('value__gte', 0)), name='quantity_not_negative')],
            },
        ),
        migrations.RunPython(catalogue_and_values, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='activity',
            name='articles_published',
        ),
        migrations.RemoveField(
            model_name='activity',
            name='companies',
        ),
        migrations.RemoveField(
            model_name='activity',
            name='cooperation_intents',
        ),
        migrations.RemoveField(
            model_name='activity',
            name='delegations_received',
        ),
        migrations.RemoveField(
            model_name='activity',
            name='donations_wan',
        ),
        migrations.RemoveField(
            model_name='activity',
            name='funds_raised_wan',
        ),
        migrations.RemoveField(
            model_name='activity',
            name='jobs_offered',
        ),
        migrations.RemoveField(
            model_name='activity',
            name='people_served',
        ),
        migrations.RemoveField(
            model_name='activity',
            name='services_provided',
        ),
        migrations.RemoveField(
            model_name='activity',
            name='visits_made',
        ),
    ]
