from django.db.models import QuerySet

from .models import Delivery, Notification


def notification_list(*, user) -> QuerySet[Notification]:
    """A user's own notifications — nobody reads another's."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def delivery_list(*, filters=None) -> QuerySet[Delivery]:
    """Every delivery (office view): what was sent, to whom, when, by which channel, what failed."""
    qs = Delivery.objects.select_related("reminder", "recipient").order_by("-reminder__created_at", "-id")
    filters = filters or {}
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("channel"):
        qs = qs.filter(channel=filters["channel"])
    if filters.get("kind"):
        qs = qs.filter(reminder__kind=filters["kind"])
    if filters.get("q"):
        qs = qs.filter(reminder__title__icontains=filters["q"])
    return qs
