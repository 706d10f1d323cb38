from auditlog.models import LogEntry
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from members.models import HandlingUnit, Member
from members.selectors import member_for_user, units_of_user
from securitylog import selectors as securitylog_selectors

from .filters import parse_date_param, parse_id
from .roles import Role, has_role
from .views_helpers import role_required


@login_required
def home(request):
    context = {"member": member_for_user(request.user), "units": list(units_of_user(request.user))}
    if has_role(request.user, Role.OFFICE, Role.LEADER):
        context["counts"] = {
            "members": Member.objects.filter(status=Member.Status.ACTIVE).count(),
            "standing": Member.objects.filter(status=Member.Status.ACTIVE, is_standing=True).count(),
            "units": HandlingUnit.objects.filter(is_active=True).count(),
        }
    return render(request, "home.html", context)


# The change log (django-auditlog); the security events have their own page (securitylog).
AUDIT_LOG_ROLES = (Role.OFFICE, Role.AUDITOR)


@never_cache
@role_required(*AUDIT_LOG_ROLES)
def audit_log(request):
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")
    model = request.GET.get("model", "")
    actor = request.GET.get("actor", "").strip()
    action = request.GET.get("action", "")
    if content_type_id := parse_id(model):
        entries = entries.filter(content_type_id=content_type_id)
    if actor:
        entries = entries.filter(actor__username__icontains=actor)
    if action.isascii() and action.isdigit() and len(action) < 3:
        entries = entries.filter(action=int(action))
    # A malformed or impossible date is ignored, like every other bad filter on a page.
    if date_from := parse_date_param(request.GET.get("date_from")):
        entries = entries.filter(timestamp__date__gte=date_from)
    if date_to := parse_date_param(request.GET.get("date_to")):
        entries = entries.filter(timestamp__date__lte=date_to)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    labels = {
        ct.pk: (ct.model_class()._meta.verbose_name if ct.model_class() else ct.model)
        for ct in ContentType.objects.filter(pk__in=LogEntry.objects.values("content_type").distinct())
    }
    for entry in page:
        entry.type_label = labels.get(entry.content_type_id, entry.content_type.model)
    return render(
        request,
        "audit/log_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "content_types": sorted(labels.items(), key=lambda item: str(item[1])),
            "actions": LogEntry.Action.choices,
            "params": request.GET,
            "can_view_security": securitylog_selectors.can_read(request.user),
        },
    )
