"""The recommendation deadlines the reminder scan watches: each department's answer to a recommendation."""

from django.urls import reverse

from notifications.registry import Deadline, register

from .models import Recommendation


def unit_deadline(row, title: str, url: str, **more) -> Deadline:
    """The deadline of a row a department answers by its `due_date` (a recommendation, a consultation
    outcome's assignment): the department's users are reminded."""
    return Deadline(obj=row, due=row.due_date, title=title, url=url, recipients=list(row.unit.users.all()), **more)


@register("recommendation_response", "视察建议反馈期限")
def recommendation_deadlines(today):
    waiting = (
        Recommendation.objects.filter(state=Recommendation.State.SENT)
        .select_related("inspection", "inspection__activity", "unit")
        .prefetch_related("unit__users")
    )
    for r in waiting:
        yield unit_deadline(
            r,
            f"{r.inspection.get_kind_display()}《{r.inspection.activity.title}》建议{r.number}（{r.unit.name}）反馈",
            reverse("supervision:recommendation", args=[r.pk]),
        )
