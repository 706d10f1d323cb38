"""The reminder scan, the deliveries of every notice (in-app, e-mail, SMS, the daily digest) and the
notification writes."""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from cppcc.errors import NotFound, PermissionDenied
from cppcc.roles import Role, has_role

from . import channels, registry
from .models import Delivery, Notification, NotificationPreference, Reminder
from .sms import SmsError
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
            title = f"【{stage_label(stage)}】{deadline.title}"[:200]
            Notification.objects.bulk_create(
                [
                    Notification(recipient=u, reminder=reminder, title=title, body=body, url=deadline.url)
                    for u in recipients
                ]
            )
            notices = list(reminder.notifications.select_related("recipient"))
            pending = deliveries_create(notices=notices)
            transaction.on_commit(lambda: queue_deliveries(pending))
    except IntegrityError:
        # Another scan inserted this stage between our check and our insert: it is theirs to send.
        return False
    return True


# --- deliveries: one code path for every notice ------------------------------------------------
def deliveries_create(*, notices: list[Notification], now: dt.datetime | None = None) -> list[int]:
    """Write the delivery rows of saved notices, per each recipient's channel choices, inside the caller's
    transaction; return the ids to send now (queue them on commit with `queue_deliveries`).

    In-app: always, sent. E-mail: none, at once, or waiting for the daily digest. SMS: if chosen, at once
    or at the end of the recipient's quiet hours. Without an address the row says so (skipped), so that
    the office sees who could not be reached. Unique per notice and channel: a rerun writes nothing twice.
    """
    if not notices:
        return []
    now = now or timezone.now()
    users = {n.recipient_id: n.recipient for n in notices}
    preferences = channels.preferences_for(users.values())
    wants_sms = {n.recipient_id for n in notices if preferences[n.recipient_id].wants_sms(n.kind)}
    numbers = channels.mobiles([users[pk] for pk in wants_sms], preferences) if wants_sms else {}
    email = channels.channel(Delivery.Channel.EMAIL)
    rows = []
    for notice in notices:
        user, preference = users[notice.recipient_id], preferences[notice.recipient_id]
        common = {"notification": notice, "recipient": user, "created_at": now}
        rows.append(Delivery(**common, channel=Delivery.Channel.IN_APP, status=Delivery.Status.SENT, attempts=1,
                             sent_at=now))  # fmt: skip
        mode = preference.email_mode(notice.kind)
        if mode != NotificationPreference.EmailMode.OFF:
            digest = mode == NotificationPreference.EmailMode.DIGEST
            if email.address(user):
                rows.append(Delivery(**common, channel=Delivery.Channel.EMAIL, digest=digest,
                                     not_before=channels.next_digest_time(now) if digest else None))  # fmt: skip
            else:
                rows.append(Delivery(**common, channel=Delivery.Channel.EMAIL, digest=digest,
                                     status=Delivery.Status.SKIPPED, last_error=NO_EMAIL))  # fmt: skip
        if notice.recipient_id in wants_sms:
            if notice.recipient_id in numbers:
                rows.append(Delivery(**common, channel=Delivery.Channel.SMS,
                                     not_before=channels.quiet_until(preference, now)))  # fmt: skip
            else:
                rows.append(Delivery(**common, channel=Delivery.Channel.SMS, status=Delivery.Status.SKIPPED,
                                     last_error=NO_MOBILE))  # fmt: skip
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return list(
        Delivery.objects.filter(notification__in=[n.pk for n in notices], status=Delivery.Status.PENDING, digest=False)
        .exclude(channel=Delivery.Channel.IN_APP)
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .values_list("pk", flat=True)
    )


NO_EMAIL = "未登记电子邮件地址"
NO_MOBILE = "未登记手机号码"


def queue_deliveries(pks) -> None:
    """Hand the deliveries to Celery; if the broker is down the sweep sends them later."""
    from .tasks import deliver as deliver_task

    for pk in pks:
        try:
            deliver_task.delay(pk)
        except Exception:  # broker down: the retry sweep picks the delivery up later
            logger.warning("Could not queue delivery %s; the retry sweep will send it.", pk, exc_info=True)


def deliver(*, delivery_id: int, now: dt.datetime | None = None) -> str:
    """Send one e-mail or SMS delivery; idempotent (a sent delivery is not sent again).

    The row stays locked while the message goes out, so two copies of the task cannot both send it.
    A delivery still waiting (quiet hours, the digest) is left alone. A failure is recorded (attempts,
    error) and then raised, so that the Celery task retries with back-off.
    """
    now = now or timezone.now()
    error = None
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("notification", "recipient")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return "missing"
        if delivery.status in (Delivery.Status.SENT, Delivery.Status.SKIPPED) or delivery.digest:
            return delivery.status
        if delivery.not_before and delivery.not_before > now:
            return delivery.status
        fields = ["status", "sent_at", "last_error", "attempts", "updated_at"]
        channel = channels.channel(delivery.channel)
        address = channel.address(delivery.recipient) if delivery.recipient.is_active else None
        if not address:
            delivery.status = Delivery.Status.SKIPPED
            delivery.last_error = "账号已停用" if not delivery.recipient.is_active else (
                NO_EMAIL if delivery.channel == Delivery.Channel.EMAIL else NO_MOBILE
            )  # fmt: skip
            delivery.save(update_fields=fields)
            return delivery.status
        delivery.attempts += 1
        try:
            channel.send(delivery.notification, address)
        except Exception as exc:  # any mail-server or gateway failure: record it, then let the task retry
            error = exc
            delivery.status, delivery.last_error = Delivery.Status.FAILED, _error_text(exc)
        else:
            delivery.status, delivery.sent_at, delivery.last_error = Delivery.Status.SENT, timezone.now(), ""
        delivery.save(update_fields=fields)
    if error is not None:
        raise error
    return delivery.status


def _error_text(exc: Exception) -> str:
    text = str(exc) if isinstance(exc, SmsError) else f"{type(exc).__name__}: {exc}"
    return text[:2000]


def _due(now: dt.datetime, max_attempts: int):
    return Delivery.objects.filter(
        Q(not_before__isnull=True) | Q(not_before__lte=now),
        status__in=[Delivery.Status.PENDING, Delivery.Status.FAILED],
        attempts__lt=max_attempts,
    ).exclude(channel=Delivery.Channel.IN_APP)


def due_delivery_ids(*, now: dt.datetime | None = None, max_attempts: int, deferred_only: bool = False) -> list[int]:
    """E-mails and SMS (not digests) that failed, never reached the broker, or whose quiet hours are
    over — under the attempt limit. `deferred_only`: just those that were held back and never tried."""
    qs = _due(now or timezone.now(), max_attempts).filter(digest=False)
    if deferred_only:
        qs = qs.filter(status=Delivery.Status.PENDING, attempts=0, not_before__isnull=False)
    return list(qs.order_by("pk").values_list("pk", flat=True))


def digests_due(*, now: dt.datetime | None = None, max_attempts: int) -> bool:
    return _due(now or timezone.now(), max_attempts).filter(digest=True).exists()


def deliveries_sweep(*, max_attempts: int, now: dt.datetime | None = None) -> int:
    """Queue every delivery due again (see `due_delivery_ids`) and, if any digest is due, the digests;
    returns how many deliveries were queued."""
    ids = due_delivery_ids(now=now, max_attempts=max_attempts)
    queue_deliveries(ids)
    if digests_due(now=now, max_attempts=max_attempts):
        from .tasks import send_digests as digest_task

        try:
            digest_task.delay()
        except Exception:
            logger.warning("Could not queue the digests; the next sweep will.", exc_info=True)
    return len(ids)


def send_digests(*, now: dt.datetime | None = None, ignore_limit: bool = False) -> int:
    """Send each user whose digest time has come ONE e-mail listing their waiting notices; returns how
    many e-mails went out. The user's rows are locked while the mail goes out and marked sent with it:
    a second run, or a second worker, finds nothing left to send. A failure is recorded on the rows
    (the hourly sweep runs the digest again while they are under the attempt limit)."""
    now = now or timezone.now()
    limit = 32767 if ignore_limit else settings.NOTIFY_MAX_ATTEMPTS
    users = set(_due(now, limit).filter(digest=True).values_list("recipient_id", flat=True))
    sent = 0
    for user_id in sorted(users):
        try:
            sent += _digest_send(user_id, now, limit)
        except Exception:
            logger.warning("The digest of user %s failed; it is retried by the sweep.", user_id, exc_info=True)
    return sent


def _digest_send(user_id: int, now: dt.datetime, limit: int) -> int:
    email = channels.channel(Delivery.Channel.EMAIL)
    error = None
    with transaction.atomic():
        rows = list(
            _due(now, limit)
            .filter(digest=True, recipient_id=user_id, channel=Delivery.Channel.EMAIL)
            .select_for_update(of=("self",))
            .select_related("notification", "recipient")
            .order_by("notification__created_at", "pk")
        )
        if not rows:
            return 0
        user = rows[0].recipient
        address = email.address(user) if user.is_active else None
        if not address:
            status, note = Delivery.Status.SKIPPED, NO_EMAIL if user.is_active else "账号已停用"
        else:
            try:
                email.send_digest(user, address, [row.notification for row in rows])
            except Exception as exc:
                error = exc
                status, note = Delivery.Status.FAILED, _error_text(exc)
            else:
                status, note = Delivery.Status.SENT, ""
        for row in rows:
            row.status, row.last_error, row.updated_at = status, note, timezone.now()
            if address:
                row.attempts += 1
            if status == Delivery.Status.SENT:
                row.sent_at = timezone.now()
        Delivery.objects.bulk_update(rows, ["status", "last_error", "attempts", "sent_at", "updated_at"])
    if error is not None:
        raise error
    return 1 if status == Delivery.Status.SENT else 0


def deliveries_retry(*, actor, pk: int | None = None) -> int:
    """The office sends failed e-mails and SMS again now (one, or all failed); returns how many.
    Also past the attempt limit: a person decided to try again."""
    if not has_role(actor, Role.OFFICE):
        raise PermissionDenied("只有机关工作人员可以重新发送。")
    with transaction.atomic():
        qs = Delivery.objects.select_for_update(of=("self",)).filter(status=Delivery.Status.FAILED)
        if pk is not None:
            if not Delivery.objects.filter(pk=pk).exists():
                raise NotFound("未找到该发送记录。")
            qs = qs.filter(pk=pk)
        rows = list(qs.values_list("pk", "digest"))
        Delivery.objects.filter(pk__in=[row_pk for row_pk, _ in rows]).update(
            status=Delivery.Status.PENDING, updated_at=timezone.now()
        )
        single = [row_pk for row_pk, digest in rows if not digest]
        digests = any(digest for _, digest in rows)
        transaction.on_commit(lambda: _requeue(single, digests))
    return len(rows)


def _requeue(pks, digests: bool) -> None:
    queue_deliveries(pks)
    if digests:
        from .tasks import send_digests as digest_task

        try:
            digest_task.delay(ignore_limit=True)
        except Exception:
            logger.warning("Could not queue the digests; the sweep will send them.", exc_info=True)


PREFERENCE_FIELDS = ("handoff_email", "handoff_sms", "reminder_email", "reminder_sms", "quiet_start", "quiet_end")


def preference_save(*, actor, data: dict) -> NotificationPreference:
    """Save the actor's own channel choices (the row is created on the first save). `data`: the
    PREFERENCE_FIELDS, plus `mobile` (a normalised number; empty keeps the saved one) and `clear_mobile`."""
    with transaction.atomic():
        preference, _ = NotificationPreference.objects.select_for_update().get_or_create(user=actor)
        for name in PREFERENCE_FIELDS:
            if name in data:
                setattr(preference, name, data[name])
        if data.get("clear_mobile"):
            preference.mobile = ""
        elif data.get("mobile"):
            preference.mobile = data["mobile"]
        preference.save()
    return preference


def notification_mark_read(*, user, pk=None) -> int:
    """Mark one of the user's notifications (or all, with pk=None) read; returns how many changed."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        if not Notification.objects.filter(recipient=user, pk=pk).exists():
            raise NotFound("未找到该通知。")
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())
