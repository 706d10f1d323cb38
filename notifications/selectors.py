from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from cppcc.lifecycle import TodoItem, todo_items
from cppcc.roles import CASEWORK_ROLES, has_role

from .models import Delivery, Notification

# The navigation badge's count is cached per user for a minute, under a version that every committed
# lifecycle event bumps (`bump_todo_version`): a hand-off shows at once in the process that made it.
TODO_COUNT_SECONDS = 60
_TODO_VERSION = "todo:version"


def todo_list(*, user) -> list[TodoItem]:
    """What waits for the user across every lifecycle, the earliest deadline first — worked out by the
    engine from each record's allowed actions (cppcc.lifecycle.todo_items)."""
    return todo_items(user)


def todo_of_kind(items: list[TodoItem], kind: str) -> list[TodoItem]:
    """One kind of work of a to-do list (`todo_kind`, e.g. 审查提案); all of it when `kind` is empty."""
    return [item for item in items if todo_kind(item) == kind] if kind else items


def todo_count(*, user) -> int:
    if not has_role(user, *CASEWORK_ROLES):
        return 0
    key = f"todo:count:{user.pk}:{cache.get_or_set(_TODO_VERSION, 0)}"
    count = cache.get(key)
    if count is None:
        count = len(todo_items(user))
        cache.set(key, count, TODO_COUNT_SECONDS)
    return count


def bump_todo_version() -> None:
    try:
        cache.incr(_TODO_VERSION)
    except ValueError:
        cache.set(_TODO_VERSION, 1)


def todo_kind(item: TodoItem) -> str:
    """What kind of work an item is, for grouping ("催办逾期反馈（区水务局）" is 催办逾期反馈)."""
    return item.label.split("（")[0]


def todo_summary(items: list[TodoItem], today=None) -> dict:
    """The count, the overdue count and the kinds of work with their counts (most first)."""
    today = today or timezone.localdate()
    kinds: dict[str, int] = {}
    for item in items:
        kinds[todo_kind(item)] = kinds.get(todo_kind(item), 0) + 1
    return {
        "total": len(items),
        "overdue": sum(1 for item in items if item.overdue(today)),
        "kinds": sorted(kinds.items(), key=lambda kind: -kind[1]),
    }


def notification_list(*, user) -> QuerySet[Notification]:
    """A user's own notifications — nobody reads another's."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def delivery_list(*, filters=None) -> QuerySet[Delivery]:
    """Every delivery of every notice (office view): what was sent, to whom, when, by which channel, what
    failed and how often it was tried. `kind`: "handoff" for hand-off notices, or a deadline kind."""
    qs = Delivery.objects.select_related("notification__reminder", "recipient").order_by("-created_at", "-id")
    filters = filters or {}
    if filters.get("status") in Delivery.Status.values:
        qs = qs.filter(status=filters["status"])
    if filters.get("channel") in Delivery.Channel.values:
        qs = qs.filter(channel=filters["channel"])
    if filters.get("kind") == "handoff":
        qs = qs.filter(notification__reminder__isnull=True)
    elif filters.get("kind"):
        qs = qs.filter(notification__reminder__kind=filters["kind"])
    if filters.get("q"):
        qs = qs.filter(notification__title__icontains=filters["q"])
    return qs


def failed_count() -> int:
    return Delivery.objects.filter(status=Delivery.Status.FAILED).count()
