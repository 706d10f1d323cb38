from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cppcc.errors import ApplicationError, NotFound
from cppcc.roles import CASEWORK_ROLES, Role
from cppcc.routes import Routes
from cppcc.views_helpers import paginate, safe_next

from . import channels, registry, selectors, services
from .forms import NotificationPreferenceForm
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


@route("settings/", name="settings", roles=CASEWORK_ROLES, methods=("GET", "POST"))
def preference_settings(request):
    """The user's own channel choices per kind of notice (in-app always), SMS quiet hours, mobile number.
    For the casework roles, the only ones notices are sent to (the administrators get none)."""
    preference = channels.preference_for(request.user)
    if request.method == "POST":
        form = NotificationPreferenceForm(request.POST, instance=preference)
        if form.is_valid():
            services.preference_save(actor=request.user, data=form.cleaned_data)
            messages.success(request, "通知设置已保存。")
            return redirect("notifications:settings")
    else:
        form = NotificationPreferenceForm(instance=preference)
    sms_channel = channels.channel(Delivery.Channel.SMS)
    mobile = sms_channel.address(request.user)
    return render(
        request,
        "notifications/settings.html",
        {
            "form": form,
            "saved_mobile": sms_channel.masked(preference.mobile) if preference.mobile else "",
            "effective_mobile": sms_channel.masked(mobile) if mobile else "",
            "email": request.user.email,
            "digest_time": f"{settings.NOTIFY_DIGEST_HOUR:02d}:{settings.NOTIFY_DIGEST_MINUTE:02d}",
        },
    )


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
            "kinds": [("handoff", "待办通知")] + [(k.name, k.label) for k in registry.kinds()],
            "kind_labels": {k.name: k.label for k in registry.kinds()},
            "failed": selectors.failed_count(),
            "now": timezone.now(),
        },
    )


@route("reminders/retry/", name="retry", roles=(Role.OFFICE,), methods=("POST",))
def delivery_retry(request):
    """Send a failed delivery (`delivery`) — or every failed one — again now."""
    pk = request.POST.get("delivery")
    try:
        count = services.deliveries_retry(actor=request.user, pk=int(pk) if pk and pk.isdigit() else None)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if count:
            messages.success(request, f"已重新发送 {count} 条失败的通知，请稍后刷新查看结果。")
        else:
            messages.info(request, "没有发送失败的通知需要重试。")
    return redirect(safe_next(request) or reverse("notifications:deliveries"))
