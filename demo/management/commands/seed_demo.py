from django.core.management.base import BaseCommand
from django.db import connection

from demo.activities import seed_activities
from demo.consultations import seed_consultations
from demo.members import DEFAULT_PASSWORD, seed_registry
from demo.opinions import seed_opinions
from demo.proposals import seed_proposals
from demo.supervision import seed_inspections

# Each builds one app's demo records (after the roster) and returns how many it created.
SEEDERS = (
    (seed_proposals, "已创建演示提案：{} 件。"),
    (seed_inspections, "已创建演示视察调研活动：{} 项。"),
    (seed_consultations, "已创建演示协商议题：{} 个。"),
    (seed_opinions, "已创建演示社情民意信息：{} 篇。"),
    (seed_activities, "已创建演示履职活动：{} 项。"),
)


class Command(BaseCommand):
    help = "Load demo data for a district committee (safe to run again: existing data is kept)."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="password of every demo account")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")
        parser.add_argument("--members", type=int, default=300, help="number of members to create")

    def handle(self, *args, **options):
        summary = seed_registry(password=options["password"], seed=options["seed"], member_count=options["members"])
        for seeder, message in SEEDERS:
            created = seeder(seed=options["seed"])
            if created:
                self.stdout.write(self.style.SUCCESS(message.format(created)))
        if connection.vendor == "postgresql":
            # Fresh statistics for the planner: thousands of rows were just written, and until
            # autovacuum gets to them PostgreSQL plans as if the tables were empty.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        if summary["members_created"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"已创建演示数据：{summary['members_created']} 位委员，{summary['units']} 个承办单位。"
                )
            )
        else:
            self.stdout.write(f"演示数据已存在（{summary['members']} 位委员），未重复创建。")
        self.stdout.write(
            "演示账号（密码均为 {p}）：admin 系统管理员 · security 安全管理员 · office 机关工作人员 · leader 领导 · "
            "auditor 审计员 · "
            "unit01…unit{u:02d} 承办单位 · m0001…m{m:04d} 委员".format(
                p=summary["password"], u=summary["units"], m=summary["members"]
            )
        )
