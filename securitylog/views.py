from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from cppcc.roles import has_role
from cppcc.views import AUDIT_LOG_ROLES
from cppcc.views_helpers import role_required
from cppcc.xlsx_stream import xlsx_response

from . import exports, selectors

PAGE_SIZE = 50


@never_cache
@role_required(*selectors.READ_ROLES)
def events(request):
    filterset = selectors.event_filterset(user=request.user, filters=request.GET)
    events = selectors.event_list(user=request.user, filters=request.GET, filterset=filterset)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page:
        event.type_label = selectors.object_type_label(event.object_type)
    query = request.GET.copy()
    query.pop("page", None)
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


@never_cache
@role_required(*selectors.READ_ROLES)
def export(request):
    # The download is itself recorded by SecurityEventMiddleware (Content-Disposition: attachment).
    events = selectors.event_list(user=request.user, filters=request.GET)
    return xlsx_response(exports.events_workbook(events), f"security-events-{timezone.localdate():%Y%m%d}.xlsx")
