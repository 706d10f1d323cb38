import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from notifications import services
from notifications.stages import stage_label


class Command(BaseCommand):
    help = "Run the deadline reminder scan now (the same scan Celery beat runs daily)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="scan as of this date (YYYY-MM-DD); default today")
        parser.add_argument("--dry-run", action="store_true", help="list what would be sent, send nothing")

    def handle(self, *args, **options):
        try:
            today = dt.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as exc:
            raise CommandError("--date 应为 YYYY-MM-DD") from exc
        result = services.scan(today=today, dry_run=options["dry_run"])
        for item in result.sent:
            self.stdout.write(
                f"{'[演练] ' if options['dry_run'] else ''}{item['title']} · 期限 {item['due']} · "
                f"{stage_label(item['stage'])} → {', '.join(item['recipients']) or '（无接收人）'}"
            )
        self.stdout.write(self.style.SUCCESS(result.summary()))
