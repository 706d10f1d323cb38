"""The recommendation deadlines the reminder scan watches: each department's answer to a recommendation."""

from django.urls import reverse

from notifications.registry import Deadline, register

from .models import Recommendation


@register("recommendation_response", "视察建议反馈期限")
def recommendation_deadlines(today):
    waiting = (
        Recommendation.objects.filter(state=Recommendation.State.SENT)
        .select_related("inspection", "inspection__activity", "unit")
        .prefetch_related("unit__users")
    )
    for r in waiting:
        yield Deadline(
            obj=r,
            due=r.due_date,
            title=f"{r.inspection.get_kind_display()}《{r.inspection.activity.title}》建议{r.number}（{r.unit.name}）反馈",
            url=reverse("supervision:recommendation", args=[r.pk]),
            recipients=list(r.unit.users.all()),
        )
