from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cppcc.errors import NotFound
from cppcc.roles import Role
from cppcc.routes import Routes
from cppcc.views_helpers import paginate, safe_next

from . import registry, selectors, services
from .models import Delivery

route = Routes()


@route("", name="list")
@never_cache
@login_required
def notification_list(request):
    page = Paginator(selectors.notification_list(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/notification_list.html", {"page": page, "query": ""})


@route("<int:pk>/read/", name="read")
@require_POST
@login_required
def notification_read(request, pk):
    """Mark one notification read and follow its link (or stay on the list)."""
    try:
        services.notification_mark_read(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return redirect(safe_next(request) or reverse("notifications:list"))


@route("read-all/", name="read_all")
@require_POST
@login_required
def notification_read_all(request):
    services.notification_mark_read(user=request.user)
    return redirect("notifications:list")


@route("reminders/scan/", name="scan", roles=(Role.OFFICE,), methods=("POST",))
def reminder_scan(request):
    """Run today's deadline scan now (the one beat runs daily; nothing is sent twice)."""
    result = services.scan()
    messages.success(request, f"已完成期限扫描：{result.summary()}。")
    return redirect("notifications:deliveries")


@route("reminders/", name="deliveries", roles=(Role.OFFICE,))
def delivery_list(request):
    deliveries = selectors.delivery_list(filters=request.GET)
    page, query = paginate(request, deliveries, 50)
    return render(
        request,
        "notifications/delivery_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "params": request.GET,
            "statuses": Delivery.Status.choices,
            "channels": Delivery.Channel.choices,
            "kinds": [(k.name, k.label) for k in registry.kinds()],
            "kind_labels": {k.name: k.label for k in registry.kinds()},
        },
    )
