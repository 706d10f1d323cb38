"""The home page of every role."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from cppcc.roles import CASEWORK_ROLES, Role, has_role
from cppcc.views_helpers import page_view
from members.models import HandlingUnit, Member
from members.selectors import member_for_user, units_of_user
from notifications.selectors import todo_count, todo_list, todo_of_kind, todo_summary

HOME_TODO_ITEMS = 5


def _todo_context(user) -> dict:
    items = todo_list(user=user) if has_role(user, *CASEWORK_ROLES) else []
    today = timezone.localdate()
    return {"items": items, "today": today, "summary": todo_summary(items, today)}


@page_view(*CASEWORK_ROLES)
def todo_badge(request):
    """The navigation's to-do badge, fetched after the page (htmx): the count, cached for a minute and
    renewed by every committed lifecycle event (notifications.selectors.todo_count)."""
    return render(request, "partials/todo_badge.html", {"count": todo_count(user=request.user)})


@page_view(*CASEWORK_ROLES)
def todo(request):
    """我的待办: everything waiting for the user, from the engine's allowed actions; `?kind=` shows one kind
    of work (审查提案, 编辑信息…), chosen from the counts above the list."""
    kind = request.GET.get("kind", "")
    context = _todo_context(request.user)
    return render(request, "todo.html", {**context, "items": todo_of_kind(context["items"], kind), "kind": kind})


@never_cache
@login_required
def home(request):
    todo_context = _todo_context(request.user)
    context = {
        "member": member_for_user(request.user),
        "units": list(units_of_user(request.user)),
        "todo": todo_context,
        "items": todo_context["items"][:HOME_TODO_ITEMS],
        "today": todo_context["today"],
    }
    if has_role(request.user, Role.OFFICE, Role.LEADER):
        context["counts"] = {
            "members": Member.objects.filter(status=Member.Status.ACTIVE).count(),
            "standing": Member.objects.filter(status=Member.Status.ACTIVE, is_standing=True).count(),
            "units": HandlingUnit.objects.filter(is_active=True).count(),
        }
    return render(request, "home.html", context)
