from django.core.management.base import BaseCommand

from securitylog.services import audit_purge


class Command(BaseCommand):
    help = "删除超过保存期限（AUDIT_RETENTION_DAYS）的安全事件与操作日志，并记录一条清理事件。"

    def handle(self, *args, **options):
        result = audit_purge()
        self.stdout.write(
            f"保存期限 {result['retention_days']} 天，截止 {result['cutoff']}："
            f"删除安全事件 {result['security_events']} 条，操作日志 {result['log_entries']} 条。"
        )
