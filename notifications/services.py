"""The reminder scan and the notification writes."""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from cppcc.errors import NotFound
from cppcc.roles import Role

from . import registry
from .models import Delivery, Notification, Reminder
from .stages import current_stage, stage_label

logger = logging.getLogger(__name__)


@dataclass
class ScanResult:
    sent: list[dict] = field(default_factory=list)  # one entry per reminder created (or planned, dry run)
    already: int = 0  # stages found already sent

    def summary(self) -> str:
        return f"新发提醒 {len(self.sent)} 条，已发过 {self.already} 条"


def _office_users():
    return list(get_user_model().objects.filter(groups__name=Role.OFFICE, is_active=True).distinct())


def _recipients(deadline: registry.Deadline, stage: str, today: dt.date, office: list) -> list:
    users = list(deadline.recipients)
    if stage.startswith("overdue"):
        users += list(deadline.escalate_to) or office
        if (today - deadline.due).days >= settings.REMINDER_ESCALATE_AFTER_DAYS:
            users += list(deadline.senior)
    unique = {}
    for user in users:
        if user is not None and user.is_active:
            unique.setdefault(user.pk, user)
    return list(unique.values())


def scan(*, today: dt.date | None = None, dry_run: bool = False) -> ScanResult:
    """Send every reminder due on `today` that has not been sent yet.

    Each (object, kind, deadline, stage) is inserted under a unique constraint in its own
    transaction together with its notifications and delivery rows: a repeated scan, a second
    beat process or a retry after a crash finds the row and sends nothing again.
    """
    today = today or timezone.localdate()
    result = ScanResult()
    office = _office_users()
    for kind in registry.kinds():
        deadlines = list(kind.provider(today))
        if not deadlines:
            continue
        content_types = ContentType.objects.get_for_models(*{type(d.obj) for d in deadlines})
        existing = set(
            Reminder.objects.filter(kind=kind.name, deadline__in={d.due for d in deadlines}).values_list(
                "content_type_id", "object_id", "deadline", "stage"
            )
        )
        for deadline in deadlines:
            stage = current_stage(deadline.due, today, remind_overdue=deadline.remind_overdue)
            if stage is None:
                continue
            content_type = content_types[type(deadline.obj)]
            if (content_type.pk, deadline.obj.pk, deadline.due, stage) in existing:
                result.already += 1
                continue
            recipients = _recipients(deadline, stage, today, office)
            planned = {
                "kind": kind.name,
                "title": deadline.title,
                "due": deadline.due,
                "stage": stage,
                "recipients": [u.username for u in recipients],
            }
            if dry_run:
                result.sent.append(planned)
                continue
            if _send(kind, deadline, stage, content_type, recipients, today):
                result.sent.append(planned)
            else:
                result.already += 1
    return result


def _send(kind, deadline, stage, content_type, recipients, today) -> bool:
    overdue = stage.startswith("overdue")
    body = f"{kind.label}：{deadline.title}，期限 {deadline.due:%Y年%m月%d日}，{stage_label(stage)}。" + (
        "请尽快办理。" if overdue else "请按时办理。"
    )
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                content_type=content_type,
                object_id=deadline.obj.pk,
                kind=kind.name,
                deadline=deadline.due,
                stage=stage,
                title=deadline.title[:200],
                url=deadline.url,
                escalated=overdue,
            )
            now = timezone.now()
            title = f"【{stage_label(stage)}】{deadline.title}"[:200]
            Notification.objects.bulk_create(
                [
                    Notification(recipient=u, reminder=reminder, title=title, body=body, url=deadline.url)
                    for u in recipients
                ]
            )
            deliveries = [
                Delivery(reminder=reminder, recipient=u, channel=Delivery.Channel.IN_APP,
                         status=Delivery.Status.SENT, attempts=1, sent_at=now)
                for u in recipients
            ] + [
                Delivery(reminder=reminder, recipient=u, channel=Delivery.Channel.EMAIL,
                         status=Delivery.Status.PENDING if u.email else Delivery.Status.SKIPPED)
                for u in recipients
            ]  # fmt: skip
            Delivery.objects.bulk_create(deliveries)
            pending = list(
                Delivery.objects.filter(
                    reminder=reminder, channel=Delivery.Channel.EMAIL, status=Delivery.Status.PENDING
                ).values_list("pk", flat=True)
            )
            transaction.on_commit(lambda: _queue_emails(pending))
    except IntegrityError:
        # Another scan inserted this stage between our check and our insert: it is theirs to send.
        return False
    return True


def _queue_emails(pks):
    from .tasks import deliver_email

    for pk in pks:
        try:
            deliver_email.delay(pk)
        except Exception:  # broker down: the retry sweep picks the delivery up later
            logger.warning("Could not queue e-mail delivery %s; the retry sweep will send it.", pk, exc_info=True)


def email_deliver(*, delivery_id: int) -> str:
    """Send one e-mail delivery; idempotent (a sent delivery is not sent again).

    The row stays locked while the mail goes out, so two copies of the task cannot both send it.
    A failure is recorded (attempts, error) and then raised, so that the Celery task retries.
    """
    error = None
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update().select_related("reminder", "recipient").filter(pk=delivery_id).first()
        )
        if delivery is None or delivery.status in (Delivery.Status.SENT, Delivery.Status.SKIPPED):
            return delivery.status if delivery else "missing"
        delivery.attempts += 1
        reminder = delivery.reminder
        notification = reminder.notifications.filter(recipient=delivery.recipient).first()
        link = f"\n\n{settings.SITE_URL.rstrip('/')}{reminder.url}" if reminder.url else ""
        try:
            send_mail(
                subject=notification.title if notification else reminder.title,
                message=(notification.body if notification else reminder.title) + link,
                from_email=None,
                recipient_list=[delivery.recipient.email],
            )
        except Exception as exc:  # any mail-server failure: record it, then let the task retry
            error = exc
            delivery.status, delivery.last_error = Delivery.Status.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
        else:
            delivery.status, delivery.sent_at, delivery.last_error = Delivery.Status.SENT, timezone.now(), ""
        delivery.save(update_fields=["status", "sent_at", "last_error", "attempts", "updated_at"])
    if error is not None:
        raise error
    return delivery.status


def pending_email_ids(*, max_attempts: int) -> list[int]:
    return list(
        Delivery.objects.filter(
            channel=Delivery.Channel.EMAIL,
            status__in=[Delivery.Status.PENDING, Delivery.Status.FAILED],
            attempts__lt=max_attempts,
        ).values_list("pk", flat=True)
    )


def notification_mark_read(*, user, pk=None) -> int:
    """Mark one of the user's notifications (or all, with pk=None) read; returns how many changed."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        if not Notification.objects.filter(recipient=user, pk=pk).exists():
            raise NotFound("未找到该通知。")
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())
