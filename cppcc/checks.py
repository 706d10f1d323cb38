"""System checks that need the database: `manage.py check --database default`.

A casework system must not lose a reply or a filed number to a power cut. PostgreSQL guarantees
that only with its durability settings on; a cluster tuned for speed (fsync=off, as CI runs on
purpose) can lose committed transactions or corrupt its data files after a crash.
"""

from django.core.checks import Tags, Warning, register
from django.db import connections

# setting -> (value that is unsafe, check id, why it matters)
DURABILITY = {
    "fsync": ("off", "cppcc.W101", "崩溃或断电后数据文件可能损坏 / a crash can corrupt the data files"),
    "synchronous_commit": (
        "off",
        "cppcc.W102",
        "断电时最近已提交的事务可能丢失 / the last committed transactions can be lost on power failure",
    ),
    "full_page_writes": ("off", "cppcc.W103", "断电后可能出现半写页 / torn pages after a power failure"),
    "wal_level": ("minimal", "cppcc.W104", "无法做时间点恢复或流复制 / no point-in-time recovery or replica"),
}


def postgres_settings(connection) -> dict[str, str]:
    with connection.cursor() as cursor:
        values = {}
        for name in DURABILITY:
            cursor.execute(f"SHOW {name}")  # names come from the constant above, never from input
            values[name] = cursor.fetchone()[0]
    return values


@register(Tags.database)
def durability_check(app_configs=None, databases=None, **kwargs):
    messages = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        values = postgres_settings(connection)
        for name, (unsafe, check_id, why) in DURABILITY.items():
            if str(values.get(name, "")).lower() == unsafe:
                messages.append(
                    Warning(
                        f"数据库 {alias} 的 {name} = {values[name]}：{why}。",
                        hint=f"在 postgresql.conf 中设置 {name} 为安全值后重启（或 reload）PostgreSQL。"
                        f" / Set {name} to its durable value in postgresql.conf.",
                        obj=alias,
                        id=check_id,
                    )
                )
    return messages


@register(Tags.security, deploy=True)
def district_check(app_configs=None, **kwargs):
    """The work report's title and text name the district ("在政协城关区第九届委员会……"): a deployment
    without it would print "XX区" in every draft."""
    from django.conf import settings

    if getattr(settings, "CPPCC_DISTRICT", ""):
        return []
    return [
        Warning(
            "未设置 CPPCC_DISTRICT：工作报告草稿中的地区名称将显示为“XX区”。",
            hint="在环境变量中设置 CPPCC_DISTRICT，如 CPPCC_DISTRICT=城关区。"
            " / Set CPPCC_DISTRICT to the district's name.",
            id="cppcc.W201",
        )
    ]
