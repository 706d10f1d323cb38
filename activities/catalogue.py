"""The default catalogue of the work report's quantities (工作报告数据项): what the customary report
itemises. Migration 0004 seeds it; `ensure_default_catalogue()` puts back what is missing (a database
emptied by a test's flush, an office that deleted rows by hand). The office adds its own on the
“工作报告数据项” page."""

# (code, name, unit, decimal places, activity kinds it usually applies to, the report's use)
DEFAULT_QUANTITIES = [
    ("cash_donated_wan", "捐赠现金", "万元", 2, ["welfare", "poverty"], "公益、帮扶段落：捐赠现金X万元"),
    ("goods_value_wan", "捐赠物资价值", "万元", 2, ["welfare", "poverty"], "捐赠物资、物品价值约X万元"),
    ("student_aid_wan", "助学资金", "万元", 2, ["welfare"], "年资助费用X万元"),
    ("condolence_wan", "发放慰问金", "万元", 2, ["poverty", "welfare"], "发放慰问金X万元"),
    ("funds_raised_wan", "争取项目资金", "万元", 2, ["poverty", "welfare"], "争取项目资金X万元"),
    ("donations_wan", "捐款捐物（未分项）", "万元", 2, [], "分项登记前的捐款捐物合计，计入捐款捐物总额"),
    ("people_served", "服务群众", "人次", 0, ["welfare", "poverty"], "免费义诊、服务群众X人次"),
    ("medical_staff", "医护人员", "名", 0, ["welfare", "poverty"], "带领X名医护人员开展义诊"),
    ("students_aided", "资助贫困学生", "名", 0, ["welfare", "poverty"], "资助X名贫困学生"),
    ("students_monthly", "每月资助学生", "名", 0, ["welfare"], "坚持每月资助X名贫困学生"),
    ("items_given", "捐赠物资衣物", "件", 0, ["welfare", "poverty"], "捐赠生活物资、爱心衣物X件"),
    ("brochures", "发放宣传资料", "份", 0, ["welfare", "poverty"], "发放健康宣传手册X份"),
    ("lamps", "安装节能灯", "盏", 0, ["poverty"], "新建太阳能节能灯X盏"),
    ("projects_built", "建成帮扶项目", "个", 0, ["poverty"], "帮助建成光亮工程X个"),
    ("companies", "参与委员企业", "家", 0, ["group", "exchange", "poverty"], "X家委员企业（帮扶段落只计扶贫帮困活动）"),
    ("jobs_offered", "提供就业岗位", "个", 0, ["poverty"], "提供劳务用工岗位X个"),
    (
        "cooperation_intents", "达成合作意向", "个", 0, ["group", "exchange", "group_leaders"],
        "委员企业之间达成合作意向X个",
    ),
    (
        "services_provided", "为委员企业提供服务", "起", 0, ["group", "exchange", "group_leaders"],
        "为委员企业提供各类服务X起",
    ),
    ("visits_made", "走访慰问", "户次", 0, ["welfare", "poverty", "group"], "走访慰问X户次"),
    ("trainees", "培训学员", "人次", 0, ["welfare"], "为社区群众免费培训学员X人次"),
    ("delegations_received", "接待来访团组", "起", 0, ["exchange", "other"], "接待外地政协学习考察团X起"),
    ("articles_published", "发布新闻信息", "篇", 0, ["publicity"], "发布各类新闻信息X篇"),
]  # fmt: skip
# Kept for what was recorded before donations were itemised; not offered for new entries.
RETIRED = {"donations_wan"}


def ensure_default_catalogue(model=None) -> dict:
    """Create the default quantities that are missing (by code); {code: QuantityKind} of the defaults.
    `model`: the historical model inside a migration."""
    if model is None:
        from .models import QuantityKind as model
    existing = {k.code: k for k in model.objects.filter(code__in=[row[0] for row in DEFAULT_QUANTITIES])}
    for order, (code, name, unit, places, kinds, use) in enumerate(DEFAULT_QUANTITIES, start=1):
        if code not in existing:
            existing[code] = model.objects.create(
                code=code, name=name, unit=unit, decimal_places=places, activity_kinds=kinds,
                report_use=use, order=order * 10, is_active=code not in RETIRED,
            )  # fmt: skip
    return existing
