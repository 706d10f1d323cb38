"""The social-opinion models, moved here from the supervision app with their tables.

State only for the models: the tables were created by supervision 0002-0004 and keep their names
(`db_table`), columns, indexes and constraints; supervision 0005 took the models out of that app's
state. The content types are renamed (supervision → opinions) so that whatever points at them —
django-auditlog entries, permissions — keeps its row and id.
"""

import django.db.models.deletion
import opinions.models
from django.conf import settings
from django.db import migrations, models

MODELS = (
    "opinioncategory",
    "opinionreport",
    "opinionauthor",
    "opinionattachment",
    "opinionadoption",
    "opinioninstruction",
    "opinionreferral",
    "opinionevent",
)


def _relabel(apps, schema_editor, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    taken = set(types.filter(app_label=new, model__in=MODELS).values_list("model", flat=True))
    types.filter(app_label=old, model__in=MODELS).exclude(model__in=taken).update(app_label=new)
    # The live manager caches content types by app label; drop what it may hold from before.
    from django.contrib.contenttypes.models import ContentType as LiveContentType

    LiveContentType.objects.clear_cache()


def content_types_to_opinions(apps, schema_editor):
    _relabel(apps, schema_editor, "supervision", "opinions")


def content_types_to_supervision(apps, schema_editor):
    _relabel(apps, schema_editor, "opinions", "supervision")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('members', '0008_text_max_length'),
        ('proposals', '0006_text_max_length'),
        ('supervision', '0005_opinions_own_app'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='OpinionCategory',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('name', models.CharField(max_length=50, unique=True, verbose_name='名称')),
                        ('order', models.PositiveIntegerField(default=100, verbose_name='排序')),
                        ('is_active', models.BooleanField(default=True, verbose_name='启用')),
                    ],
                    options={
                        'verbose_name': '社情民意类别',
                        'verbose_name_plural': '社情民意类别',
                        'db_table': 'supervision_opinioncategory',
                        'ordering': ['order', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='OpinionReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('title', models.CharField(max_length=200, verbose_name='标题')),
                        ('content', models.TextField(blank=True, max_length=20000, verbose_name='内容')),
                        ('state', models.CharField(choices=[('draft', '草稿'), ('submitted', '待编辑'), ('editing', '编辑中'), ('forwarded', '已编报'), ('adopted', '已采用'), ('not_adopted', '未采用'), ('withdrawn', '已撤回')], db_index=True, default='draft', max_length=12, verbose_name='状态')),
                        ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='提交时间')),
                        ('original_title', models.CharField(blank=True, max_length=200, verbose_name='原标题')),
                        ('original_content', models.TextField(blank=True, max_length=20000, verbose_name='原文')),
                        ('editing_started_at', models.DateTimeField(blank=True, null=True, verbose_name='开始编辑时间')),
                        ('forwarded_at', models.DateTimeField(blank=True, null=True, verbose_name='编报时间')),
                        ('forward_note', models.TextField(blank=True, max_length=20000, verbose_name='编报说明')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='采用情况登记时间')),
                        ('reject_note', models.TextField(blank=True, max_length=20000, verbose_name='未采用说明')),
                        ('category', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='opinions.opinioncategory', verbose_name='类别')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='录入人')),
                        ('editor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='编辑人')),
                        ('proposal', models.OneToOneField(blank=True, help_text='提案审查时转为社情民意信息的，指向原提案', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='opinion_report', to='proposals.proposal', verbose_name='转来的提案')),
                    ],
                    options={
                        'verbose_name': '社情民意信息',
                        'verbose_name_plural': '社情民意信息',
                        'db_table': 'supervision_opinionreport',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='OpinionReferral',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('note', models.TextField(blank=True, max_length=20000, verbose_name='转交说明')),
                        ('passed_at', models.DateTimeField(verbose_name='转交时间')),
                        ('feedback', models.TextField(blank=True, max_length=20000, verbose_name='反馈内容')),
                        ('feedback_at', models.DateTimeField(blank=True, null=True, verbose_name='反馈时间')),
                        ('feedback_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('passed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='opinion_referrals', to='members.handlingunit', verbose_name='部门')),
                        ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='referrals', to='opinions.opinionreport')),
                    ],
                    options={
                        'verbose_name': '社情民意转交',
                        'verbose_name_plural': '社情民意转交',
                        'db_table': 'supervision_opinionreferral',
                        'ordering': ['report', 'passed_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='OpinionInstruction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('leader_name', models.CharField(max_length=50, verbose_name='批示领导')),
                        ('post', models.CharField(max_length=100, verbose_name='职务')),
                        ('level', models.CharField(choices=[('district', '区'), ('city', '市'), ('province', '省'), ('national', '全国')], max_length=10, verbose_name='层级')),
                        ('date', models.DateField(db_index=True, verbose_name='批示日期')),
                        ('text', models.TextField(max_length=20000, verbose_name='批示内容')),
                        ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='登记时间')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='instructions', to='opinions.opinionreport')),
                    ],
                    options={
                        'verbose_name': '领导批示',
                        'verbose_name_plural': '领导批示',
                        'db_table': 'supervision_opinioninstruction',
                        'ordering': ['report', 'date', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='OpinionEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(max_length=30, verbose_name='操作')),
                        ('from_state', models.CharField(blank=True, choices=[('draft', '草稿'), ('submitted', '待编辑'), ('editing', '编辑中'), ('forwarded', '已编报'), ('adopted', '已采用'), ('not_adopted', '未采用'), ('withdrawn', '已撤回')], max_length=12, verbose_name='原状态')),
                        ('to_state', models.CharField(blank=True, choices=[('draft', '草稿'), ('submitted', '待编辑'), ('editing', '编辑中'), ('forwarded', '已编报'), ('adopted', '已采用'), ('not_adopted', '未采用'), ('withdrawn', '已撤回')], max_length=12, verbose_name='新状态')),
                        ('note', models.TextField(blank=True, max_length=20000, verbose_name='说明')),
                        ('data', models.JSONField(blank=True, default=dict, verbose_name='数据')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='时间')),
                        ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='opinions.opinionreport')),
                    ],
                    options={
                        'verbose_name': '社情民意办理记录',
                        'verbose_name_plural': '社情民意办理记录',
                        'db_table': 'supervision_opinionevent',
                        'ordering': ['created_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='OpinionAuthor',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('is_lead', models.BooleanField(default=False, verbose_name='第一作者')),
                        ('member', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='opinion_authorships', to='members.member', verbose_name='作者')),
                        ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='authors', to='opinions.opinionreport')),
                    ],
                    options={
                        'verbose_name': '社情民意作者',
                        'verbose_name_plural': '社情民意作者',
                        'db_table': 'supervision_opinionauthor',
                        'ordering': ['report', '-is_lead', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='OpinionAttachment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('file', models.FileField(max_length=200, upload_to=opinions.models._attachment_path, verbose_name='文件')),
                        ('original_name', models.CharField(max_length=200, verbose_name='文件名')),
                        ('content_type', models.CharField(max_length=100, verbose_name='类型')),
                        ('size', models.PositiveIntegerField(verbose_name='大小')),
                        ('uploaded_at', models.DateTimeField(auto_now_add=True, verbose_name='上传时间')),
                        ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='opinions.opinionreport')),
                    ],
                    options={
                        'verbose_name': '社情民意附件',
                        'verbose_name_plural': '社情民意附件',
                        'db_table': 'supervision_opinionattachment',
                        'ordering': ['id'],
                    },
                ),
                migrations.CreateModel(
                    name='OpinionAdoption',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('level', models.CharField(choices=[('district', '区'), ('city', '市'), ('province', '省'), ('national', '全国')], max_length=10, verbose_name='采用层级')),
                        ('publication', models.CharField(choices=[('special', '专报'), ('bulletin', '简报'), ('other', '其他')], max_length=10, verbose_name='刊物')),
                        ('issue', models.CharField(blank=True, max_length=50, verbose_name='期号')),
                        ('date', models.DateField(db_index=True, verbose_name='采用日期')),
                        ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='登记时间')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='adoptions', to='opinions.opinionreport')),
                    ],
                    options={
                        'verbose_name': '社情民意采用',
                        'verbose_name_plural': '社情民意采用',
                        'db_table': 'supervision_opinionadoption',
                        'ordering': ['report', 'date', 'id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='opinionreport',
                    index=models.Index(fields=['state', 'category'], name='supervision_state_3f5edf_idx'),
                ),
                migrations.AddIndex(
                    model_name='opinionreport',
                    index=models.Index(fields=['submitted_at'], name='supervision_submitt_f3448b_idx'),
                ),
                migrations.AddConstraint(
                    model_name='opinionreport',
                    constraint=models.CheckConstraint(condition=models.Q(('state__in', ['draft', 'withdrawn']), ('submitted_at__isnull', False), _connector='OR'), name='submitted_opinion_has_submitted_at'),
                ),
                migrations.AddConstraint(
                    model_name='opinionreport',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('state__in', ['forwarded', 'adopted']), _negated=True), ('forwarded_at__isnull', False), _connector='OR'), name='forwarded_opinion_has_forwarded_at'),
                ),
                migrations.AddIndex(
                    model_name='opinionreferral',
                    index=models.Index(fields=['unit', 'feedback_at'], name='supervision_unit_id_8e3c95_idx'),
                ),
                migrations.AddConstraint(
                    model_name='opinionreferral',
                    constraint=models.UniqueConstraint(fields=('report', 'unit'), name='opinion_passed_once_per_unit'),
                ),
                migrations.AddConstraint(
                    model_name='opinionreferral',
                    constraint=models.CheckConstraint(condition=models.Q(('feedback_at__isnull', True), models.Q(('feedback', ''), _negated=True), _connector='OR'), name='opinion_feedback_has_text'),
                ),
                migrations.AddConstraint(
                    model_name='opinioninstruction',
                    constraint=models.CheckConstraint(condition=models.Q(('text', ''), _negated=True), name='opinion_instruction_has_text'),
                ),
                migrations.AddConstraint(
                    model_name='opinionauthor',
                    constraint=models.UniqueConstraint(fields=('report', 'member'), name='opinion_author_once'),
                ),
                migrations.AddConstraint(
                    model_name='opinionauthor',
                    constraint=models.UniqueConstraint(condition=models.Q(('is_lead', True)), fields=('report',), name='opinion_one_lead_author'),
                ),
                migrations.AddIndex(
                    model_name='opinionadoption',
                    index=models.Index(fields=['level', 'date'], name='supervision_level_8206b3_idx'),
                ),
                migrations.AddConstraint(
                    model_name='opinionadoption',
                    constraint=models.UniqueConstraint(fields=('report', 'level'), name='opinion_adopted_once_per_level'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_opinions, content_types_to_supervision),
    ]
