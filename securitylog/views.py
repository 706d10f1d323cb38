from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import render
from django.utils import timezone

from cppcc.filters import parse_date_param, parse_id
from cppcc.roles import Role, has_role
from cppcc.routes import Routes
from cppcc.views_helpers import page_view, paginate
from cppcc.xlsx_stream import xlsx_response

from . import exports, selectors

route = Routes()

PAGE_SIZE = 50
# The change log (django-auditlog) and who reads it; the security events have their own roles (selectors).
AUDIT_LOG_ROLES = (Role.OFFICE, Role.AUDITOR)


@route("", name="events", roles=selectors.READ_ROLES)
def events(request):
    filterset = selectors.event_filterset(user=request.user, filters=request.GET)
    events = selectors.event_list(user=request.user, filters=request.GET, filterset=filterset)
    page, query = paginate(request, events, PAGE_SIZE)
    for event in page:
        event.type_label = selectors.object_type_label(event.object_type)
    return render(
        request,
        "audit/security_events.html",
        {
            "page": page,
            "filter": filterset,
            "query": query.urlencode(),
            "object_types": selectors.object_type_choices(),
            "params": request.GET,
            "can_view_changes": has_role(request.user, *AUDIT_LOG_ROLES),
        },
    )


@route("export/", name="export", roles=selectors.READ_ROLES)
def export(request):
    # The download is itself recorded by SecurityEventMiddleware (Content-Disposition: attachment).
    events = selectors.event_list(user=request.user, filters=request.GET)
    return xlsx_response(exports.events_workbook(events), f"security-events-{timezone.localdate():%Y%m%d}.xlsx")


@page_view(*AUDIT_LOG_ROLES)
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
    page, query = paginate(request, entries, 50)
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
            "can_view_security": selectors.can_read(request.user),
        },
    )
