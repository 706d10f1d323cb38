"""Activities have no lifecycle of their own; what waits for a member on them — an activity open for
sign-up, and one they signed up for that is coming — is on their to-do list as a follow-up
(`cppcc.lifecycle.follow_up`, read by the to-do centre like every lifecycle's work)."""

from django.urls import reverse
from django.utils import timezone

from cppcc.lifecycle import TodoItem, follow_up
from cppcc.roles import Role
from members.selectors import member_for_user

from .models import Attendance
from .selectors import open_activities
from .services import activity_signup_closes


def _item(activity, label: str, due, state: str) -> TodoItem:
    return TodoItem(
        lifecycle="activity",
        noun="活动",
        pk=activity.pk,
        title=activity.title,
        label=label,
        actions=(),
        state=state,
        state_display=f"{activity.start_date:%Y-%m-%d} · {activity.place}" if activity.place else "",
        url=f"{reverse('activities:open')}#activity-{activity.pk}",
        due=due,
    )


@follow_up(Role.MEMBER)
def member_activities(user) -> list[TodoItem]:
    """An activity open for sign-up that the member has not answered (报名参加活动, by the sign-up deadline),
    and one they signed up for that is still to come (参加活动, on its day; they may cancel before the
    deadline)."""
    if member_for_user(user) is None:
        return []  # an account not linked to a member cannot sign up (the page says so)
    items = []
    for activity in open_activities(user=user):
        full = activity.capacity is not None and activity.taken >= activity.capacity
        if activity.my_status is None and not full:
            items.append(_item(activity, "报名参加活动", activity_signup_closes(activity), "signup"))
    signed_up = (
        Attendance.objects.filter(
            member__user=user, status=Attendance.Status.SIGNED_UP, activity__start_date__gte=timezone.localdate()
        )
        .select_related("activity")
        .order_by("activity__start_date", "activity_id")
    )
    items += [_item(a.activity, "参加活动", a.activity.start_date, "signed_up") for a in signed_up]
    return items
