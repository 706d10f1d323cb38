"""The ways a notice reaches a person besides the in-app list: e-mail and SMS.

A channel has
- `name` (the `Delivery.channel` value) and `label` (Chinese);
- `address(user) -> str | None`: where this user receives it now, or None;
- `masked(address) -> str`: the address as it may be shown to others;
- `send(notification, address)`: deliver, or raise (the delivery records the error and is retried).

Which channels a user gets for which kind of notice is their `NotificationPreference` (defaults from
settings until they save their own); SMS wait for the end of the user's quiet hours, digest e-mails
for the daily digest time. Mobile numbers: the one the user entered in their settings, else one that
another app knows (`register_mobile_source`: the members app registers the member's own phone).
"""

import datetime as dt
import re
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.utils import timezone

from . import sms
from .models import Delivery, Notification, NotificationPreference

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalise_mobile(value: str) -> str:
    """A mainland mobile number as 11 digits ("+86 139-1234-5678" → "13912345678"); "" stays "".
    Raises ValidationError for anything else."""
    digits = re.sub(r"[\s\-()]", "", value or "")
    if not digits:
        return ""
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not MOBILE_RE.match(digits):
        raise ValidationError("请输入 11 位手机号码，例如 13912345678。", code="invalid_mobile")
    return digits


# --- mobile numbers known elsewhere ----------------------------------------------------------
MobileSource = Callable[[list], dict]  # users → {user pk: mobile number}
_mobile_sources: list[MobileSource] = []


def register_mobile_source(source: MobileSource) -> MobileSource:
    """Register a function that, given users, answers the mobile numbers it knows for them
    ({user pk: number}). Asked for users who entered no number of their own, in registration order."""
    if source not in _mobile_sources:
        _mobile_sources.append(source)
    return source


def _valid(number) -> str | None:
    try:
        return normalise_mobile(str(number or "")) or None
    except ValidationError:
        return None


def mobiles(users: Iterable, preferences: dict | None = None) -> dict[int, str]:
    """{user pk: mobile} for those of `users` with a usable number (one query per source)."""
    users = list(users)
    if not users:
        return {}
    preferences = preferences if preferences is not None else preferences_for(users)
    found = {}
    for user in users:
        number = _valid(preferences[user.pk].mobile)
        if number:
            found[user.pk] = number
    for source in _mobile_sources:
        missing = [u for u in users if u.pk not in found]
        if not missing:
            break
        for pk, number in (source(missing) or {}).items():
            number = _valid(number)
            if number and pk not in found:
                found[pk] = number
    return found


# --- preferences -----------------------------------------------------------------------------
def preferences_for(users: Iterable) -> dict[int, NotificationPreference]:
    """Each user's preference row, or an unsaved one holding the defaults from settings (one query)."""
    users = list(users)
    rows = {p.user_id: p for p in NotificationPreference.objects.filter(user__in=[u.pk for u in users])}
    return {u.pk: rows.get(u.pk) or NotificationPreference(user=u) for u in users}


def preference_for(user) -> NotificationPreference:
    return preferences_for([user])[user.pk]


def quiet_until(preference: NotificationPreference, now: dt.datetime) -> dt.datetime | None:
    """The end of the quiet hours `now` falls in (local time), or None outside them."""
    start, end = preference.quiet_start, preference.quiet_end
    if start is None or end is None or start == end:
        return None
    local = timezone.localtime(now)
    moment = local.time()
    if start < end:  # e.g. 12:00–14:00, within one day
        if not start <= moment < end:
            return None
        day = local.date()
    else:  # e.g. 22:00–07:30, across midnight
        if end <= moment < start:
            return None
        day = local.date() + dt.timedelta(days=1) if moment >= start else local.date()
    return timezone.make_aware(dt.datetime.combine(day, end))


def next_digest_time(now: dt.datetime) -> dt.datetime:
    """The next daily digest after `now` (NOTIFY_DIGEST_HOUR:NOTIFY_DIGEST_MINUTE, local time)."""
    local = timezone.localtime(now)
    at = dt.time(settings.NOTIFY_DIGEST_HOUR, settings.NOTIFY_DIGEST_MINUTE)
    moment = timezone.make_aware(dt.datetime.combine(local.date(), at))
    return moment if moment > now else timezone.make_aware(dt.datetime.combine(local.date() + dt.timedelta(days=1), at))


def _link(url: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{url}" if url else ""


# --- channels --------------------------------------------------------------------------------
class Channel:
    name = ""
    label = ""

    def address(self, user) -> str | None:
        raise NotImplementedError

    def masked(self, address: str) -> str:
        return address[:2] + "****" if address else ""

    def send(self, notification: Notification, address: str) -> None:
        raise NotImplementedError


class EmailAddress:
    """The account's e-mail address, and how it may be shown (also the password-reset channel's)."""

    def address(self, user) -> str | None:
        return (user.email or "").strip() or None

    def masked(self, address: str) -> str:
        local, _, domain = address.partition("@")
        return f"{local[:1]}***@{domain}" if domain else "***"


class EmailChannel(EmailAddress, Channel):
    """Django's mail backend (`EMAIL_*` settings), to the user's e-mail address."""

    name = Delivery.Channel.EMAIL
    label = "邮件"

    def send(self, notification: Notification, address: str) -> None:
        link = _link(notification.url)
        send_mail(
            subject=notification.title,
            message=notification.body + (f"\n\n{link}" if link else ""),
            from_email=None,
            recipient_list=[address],
        )

    def send_digest(self, user, address: str, notifications: list[Notification]) -> None:
        """One e-mail listing the notices (title and link each)."""
        lines = [f"{user.get_full_name() or user.get_username()}，您好：", "", f"今日通知 {len(notifications)} 条："]
        for number, notice in enumerate(notifications, 1):
            lines.append(f"{number}. {notice.title}")
            if notice.url:
                lines.append(f"   {_link(notice.url)}")
        lines += ["", f"可在“通知设置”中更改接收方式：{_link('/notifications/settings/')}"]
        send_mail(
            subject=f"【每日汇总】{len(notifications)} 条通知",
            message="\n".join(lines),
            from_email=None,
            recipient_list=[address],
        )


SMS_MAX_LENGTH = 70  # one segment


def sms_text(notification: Notification) -> str:
    """【区政协】待办：签收交办——提案《…》, cut to one segment."""
    prefix = f"【{settings.SMS_SIGN}】" if settings.SMS_SIGN else ""
    text = prefix + notification.title
    return text if len(text) <= SMS_MAX_LENGTH else text[: SMS_MAX_LENGTH - 1] + "…"


class SmsChannel(Channel):
    """The SMS backend (`SMS_BACKEND`), to the user's mobile number."""

    name = Delivery.Channel.SMS
    label = "短信"

    def address(self, user) -> str | None:
        return mobiles([user]).get(user.pk)

    def masked(self, address: str) -> str:
        return sms.mask_mobile(address)

    def send(self, notification: Notification, address: str) -> None:
        sms.backend().send(address, sms_text(notification))


CHANNELS: dict[str, Channel] = {c.name: c for c in (EmailChannel(), SmsChannel())}


def channel(name: str) -> Channel:
    return CHANNELS[name]
