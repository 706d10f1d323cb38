"""Browser pages for members' activities (会议、培训、委员组活动、交流、公益、宣传 …): the office's list,
form and attendance (checklist or Excel), members' sign-up, and the committee's regulations (制度文件).
Thin: parse the request, call selectors / services, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cppcc.errors import ApplicationError
from cppcc.filters import parse_year
from cppcc.roles import Role, has_role
from cppcc.routes import Routes
from cppcc.views_helpers import paginate
from cppcc.xlsx_stream import xlsx_response
from members.selectors import member_for_user

from . import attendance, imports, selectors, services
from .filters import ActivityFilterSet
from .forms import (
    HALF_DAY_KINDS,
    MANAGED_KINDS,
    ActivityForm,
    AttendanceImportForm,
    KeyProjectForm,
    QuantityKindForm,
    RegulationForm,
)
from .models import Activity, Attendance

route = Routes()

PAGE_SIZE = 30


def _form_errors(form, exc: ApplicationError):
    for name, errors in exc.errors.items():
        for error in errors if isinstance(errors, list) else [errors]:
            form.add_error(name if name in form.fields else None, error)
    if not exc.errors:
        form.add_error(None, exc.message)


def _quantities(activity) -> list[tuple[str, str]]:
    """(name, value with its unit) of the work-report quantities recorded for an activity."""
    return [(q.kind.name, q.display) for q in activity.quantities.select_related("kind")]


# --- office: list, detail, form ------------------------------------------------------------------------


@route("", name="list", roles=(Role.OFFICE, Role.LEADER))
def activity_list(request):
    params = request.GET.copy()
    if "year" not in params:
        params["year"] = str(timezone.localdate().year)
    filterset = ActivityFilterSet(params, queryset=selectors.activity_list(user=request.user))
    results = filterset.qs
    page, query = paginate(request, results, PAGE_SIZE, params=params)
    chosen = Activity.objects.filter(pk__in=results.values("pk"))
    by_kind = dict(chosen.order_by().values_list("kind").annotate(n=Count("id")))
    # htmx asks for the results only when a filter changes; a plain request gets the whole page.
    partial = request.headers.get("HX-Request")
    template = "activities/list_results.html" if partial else "activities/list.html"
    return render(
        request,
        template,
        {
            "page": page,
            "filter": filterset,
            "query": query.urlencode(),
            "total": page.paginator.count,
            "participation": selectors.participation(activities=chosen),
            "by_kind": [(label, by_kind[value]) for value, label in Activity.Kind.choices if by_kind.get(value)],
        },
    )


@route("<int:pk>/", name="detail", roles=(Role.OFFICE, Role.LEADER))
def activity_detail(request, pk):
    activity = selectors.activity_get(user=request.user, pk=pk)
    records = (
        Attendance.objects.filter(activity=activity)
        .select_related("member", "member__sector", "member__group")
        .order_by("status", "member__name_stroke_key", "member_id")
    )
    order = {value: i for i, value in enumerate(attendance.DISPLAY_ORDER)}
    records = sorted(records, key=lambda a: order[a.status])
    return render(
        request,
        "activities/detail.html",
        {
            "activity": activity,
            "records": records,
            "status_counts": attendance.status_counts(activity),
            "speeches_total": sum(a.speeches for a in records),
            "quantities": _quantities(activity),
            "owner": selectors.managed_elsewhere(activity),
            "signup_closes": services.activity_signup_closes(activity) if activity.signup_open else None,
            "can_edit": has_role(request.user, Role.OFFICE),
        },
    )


def _activity_form_page(request, *, activity=None):
    initial = {}
    if activity is None and request.GET.get("kind") in dict(Activity.Kind.choices):
        initial["kind"] = request.GET["kind"]
    form = ActivityForm(request.POST or None, instance=activity, initial=initial)
    if request.method == "POST" and form.is_valid():
        data, quantities = form.split_quantities()
        data["quantities"] = quantities
        if activity is not None and activity.kind in MANAGED_KINDS:
            data.pop("kind", None)
        try:
            saved = services.activity_save(actor=request.user, activity=activity, data=data)
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            if activity is None:
                messages.success(request, f"已登记活动“{saved.title}”。请登记参加委员。")
                return redirect("activities:attendance", pk=saved.pk)
            messages.success(request, "已保存活动信息。")
            return redirect("activities:detail", pk=saved.pk)
    return render(
        request,
        "activities/form.html",
        {
            "form": form,
            "activity": activity,
            "title": f"修改活动：{activity.title}" if activity else "登记履职活动",
            "relevant": form.relevant_quantities(),
            "half_day_kinds": list(HALF_DAY_KINDS),
            "owner": selectors.managed_elsewhere(activity) if activity else None,
        },
    )


@route("new/", name="create", roles=(Role.OFFICE,), methods=("GET", "POST"))
def activity_create(request):
    return _activity_form_page(request)


@route("<int:pk>/edit/", name="edit", roles=(Role.OFFICE,), methods=("GET", "POST"))
def activity_edit(request, pk):
    return _activity_form_page(request, activity=selectors.activity_get(user=request.user, pk=pk))


# --- office: attendance ---------------------------------------------------------------------------------


@route("<int:pk>/attendance/", name="attendance", roles=(Role.OFFICE,), methods=("GET", "POST"))
def activity_attendance(request, pk):
    """The checklist: every active member with a status and a number of speeches; saved in one go."""
    activity = selectors.activity_get(user=request.user, pk=pk)

    def record(entries, speeches, removals):
        if entries:
            services.attendance_record(actor=request.user, activity=activity, entries=entries, speeches=speeches)
        if removals:
            services.attendance_remove(actor=request.user, activity=activity, member_ids=removals)

    return attendance.attendance_page(
        request,
        activity=activity,
        context={"owner": selectors.managed_elsewhere(activity)},
        record=record,
        back_url=reverse("activities:detail", args=[activity.pk]),
        speeches=True,
        success_url=reverse("activities:detail", args=[activity.pk]),
    )


@route("<int:pk>/attendance/import/", name="import", roles=(Role.OFFICE,), methods=("GET", "POST"))
def attendance_import_page(request, pk):
    activity = selectors.activity_get(user=request.user, pk=pk)
    form = AttendanceImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "activity": activity}
    if request.method == "POST" and form.is_valid():
        try:
            result = imports.attendance_import(actor=request.user, activity=activity, file=form.cleaned_data["file"])
        except ApplicationError as exc:
            context.update(error=exc.message, row_errors=exc.errors.get("rows", []))
        else:
            detail = "，".join(f"{label} {n} 人" for label, n in result.by_status.items())
            messages.success(request, f"导入成功：登记 {result.recorded} 位委员（{detail}）。")
            return redirect("activities:detail", pk=activity.pk)
    return render(request, "activities/import.html", context)


@route("<int:pk>/attendance/template.xlsx", name="import_template", roles=(Role.OFFICE,))
def attendance_template(request, pk):
    activity = selectors.activity_get(user=request.user, pk=pk)
    return xlsx_response(imports.template_file(activity), f"出勤登记表_{activity.start_date:%Y%m%d}.xlsx")


# --- members: sign-up ----------------------------------------------------------------------------------


@route("open/", name="open", roles=(Role.MEMBER,))
def open_activities(request):
    activities = list(selectors.open_activities(user=request.user))
    for activity in activities:
        activity.closes = services.activity_signup_closes(activity)
        activity.full = activity.capacity is not None and activity.taken >= activity.capacity
    return render(
        request,
        "activities/open.html",
        {"activities": activities, "member": member_for_user(request.user)},
    )


def _signup_action(request, pk, fn, success):
    activity = selectors.activity_get(user=request.user, pk=pk)
    try:
        fn(actor=request.user, activity=activity)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success.format(title=activity.title))
    return redirect("activities:open")


@route("<int:pk>/signup/", name="signup", roles=(Role.MEMBER,), methods=("POST",))
def activity_signup(request, pk):
    return _signup_action(request, pk, services.activity_signup, "已报名“{title}”。")


@route("<int:pk>/signup/cancel/", name="signup_cancel", roles=(Role.MEMBER,), methods=("POST",))
def activity_signup_cancel(request, pk):
    return _signup_action(request, pk, services.activity_signup_cancel, "已取消报名“{title}”。")


# --- regulations ---------------------------------------------------------------------------------------


@route("regulations/", name="regulations", roles=(Role.OFFICE, Role.LEADER), methods=("GET", "POST"))
def regulation_list(request):
    form = _office_form(request, RegulationForm)
    regulations = selectors.regulation_list(user=request.user)
    year = parse_year(request.GET.get("year"))
    years = regulations.dates("adopted_on", "year", order="DESC")
    return _side_form_page(
        request,
        template="activities/regulations.html",
        form=form,
        heading="登记制度文件",
        button="登记",
        save=lambda data: services.regulation_save(actor=request.user, data=data),
        saved_message="已登记“{record.title}”。",
        back="activities:regulations",
        context={
            "regulations": regulations.filter(adopted_on__year=year) if year else regulations,
            "years": [d.year for d in years],
            "current_year": str(year or ""),
        },
    )


# --- the work report's quantity catalogue and the members' key projects ------------------------------


def _side_form_page(request, *, template, form, heading, save, saved_message, back, context, editing=None, button=None):
    """A list with the office's form beside it (`partials/list_form_page.html`): adds a record, or edits
    `editing` (the form posts to the page it is on; 取消 goes back to the list)."""
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            record = save(dict(form.cleaned_data))
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, saved_message.format(record=record))
            return redirect(back)
    form_context = {
        "form": form,
        "form_heading": heading,
        "form_action": request.path,
        "form_cancel": reverse(back) if editing is not None else "",
        "form_button": button,
        "editing": editing,
    }
    return render(request, template, {**form_context, **context})


def _office_form(request, form_class, **kwargs):
    if request.method == "POST" and not has_role(request.user, Role.OFFICE):
        raise Forbidden("只有机关工作人员可以修改。")
    if not has_role(request.user, Role.OFFICE):
        return None
    return form_class(request.POST or None, **kwargs)


@route("quantities/", name="quantities", roles=(Role.OFFICE, Role.LEADER), methods=("GET", "POST"))
def quantity_kind_list(request, pk=None):
    """The catalogue of the work report's quantities (工作报告数据项): what an activity may record."""
    kind = selectors.quantity_kind_get(user=request.user, pk=pk) if pk else None
    form = _office_form(request, QuantityKindForm, instance=kind)
    return _side_form_page(
        request,
        template="activities/quantities.html",
        form=form,
        heading=f"修改数据项“{kind.name}”" if kind else "新增数据项",
        editing=kind,
        save=lambda data: services.quantity_kind_save(actor=request.user, kind=kind, data=data),
        saved_message="已保存数据项“{record.name}”。",
        back="activities:quantities",
        context={"kinds": selectors.quantity_kind_list(user=request.user)},
    )


@route("quantities/<int:pk>/", name="quantity_edit", roles=(Role.OFFICE,), methods=("GET", "POST"))
def quantity_kind_edit(request, pk):
    return quantity_kind_list(request, pk=pk)


@route("quantities/<int:pk>/active/", name="quantity_active", roles=(Role.OFFICE,), methods=("POST",))
def quantity_kind_active(request, pk):
    kind = selectors.quantity_kind_get(user=request.user, pk=pk)
    active = request.POST.get("active") == "1"
    services.quantity_kind_set_active(actor=request.user, kind=kind, active=active)
    messages.success(request, f"已{'启用' if active else '停用'}数据项“{kind.name}”。")
    return redirect("activities:quantities")


@route("key-projects/", name="key_projects", roles=(Role.OFFICE, Role.LEADER), methods=("GET", "POST"))
def key_project_list(request, pk=None):
    """District key projects the committee's members are responsible for (分包重点项目)."""
    project = selectors.key_project_get(user=request.user, pk=pk) if pk else None
    initial = {} if project else {"year": timezone.localdate().year}
    form = _office_form(request, KeyProjectForm, instance=project, initial=initial)
    projects = selectors.key_project_list(user=request.user)
    year = parse_year(request.GET.get("year"))
    years = sorted({y for y in projects.values_list("year", flat=True)}, reverse=True)
    return _side_form_page(
        request,
        template="activities/key_projects.html",
        form=form,
        heading=f"修改项目“{project.name}”" if project else "登记分包重点项目",
        editing=project,
        save=lambda data: services.key_project_save(actor=request.user, project=project, data=data),
        saved_message="已保存项目“{record.name}”。",
        back="activities:key_projects",
        context={
            "projects": projects.filter(year=year) if year else projects,
            "years": years,
            "current_year": str(year or ""),
        },
    )


@route("key-projects/<int:pk>/", name="key_project_edit", roles=(Role.OFFICE,), methods=("GET", "POST"))
def key_project_edit(request, pk):
    return key_project_list(request, pk=pk)
