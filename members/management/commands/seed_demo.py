from django.core.management.base import BaseCommand
from django.db import connection

from activities.demo import seed_activities
from consultations.demo import seed_consultations
from members.demo import DEFAULT_PASSWORD, seed_registry
from proposals.demo import seed_proposals
from supervision.demo import seed_inspections
from supervision.opinion_demo import seed_opinions


class Command(BaseCommand):
    help = "Load demo data for a district committee (safe to run again: existing data is kept)."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="password of every demo account")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")
        parser.add_argument("--members", type=int, default=300, help="number of members to create")

    def handle(self, *args, **options):
        summary = seed_registry(password=options["password"], seed=options["seed"], member_count=options["members"])
        proposals = seed_proposals(seed=options["seed"])
        if proposals:
            self.stdout.write(self.style.SUCCESS(f"已创建演示提案：{proposals} 件。"))
        inspections = seed_inspections(seed=options["seed"])
        if inspections:
            self.stdout.write(self.style.SUCCESS(f"已创建演示视察调研活动：{inspections} 项。"))
        topics = seed_consultations(seed=options["seed"])
        if topics:
            self.stdout.write(self.style.SUCCESS(f"已创建演示协商议题：{topics} 个。"))
        opinions = seed_opinions(seed=options["seed"])
        if opinions:
            self.stdout.write(self.style.SUCCESS(f"已创建演示社情民意信息：{opinions} 篇。"))
        activities = seed_activities(seed=options["seed"])
        if activities:
            self.stdout.write(self.style.SUCCESS(f"已创建演示履职活动：{activities} 项。"))
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
