from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cppcc.errors import ApplicationError
from cppcc.roles import Role
from cppcc.routes import Routes
from cppcc.views_helpers import paginate, role_required
from cppcc.xlsx_stream import xlsx_response
from securitylog import note_id_view

from . import roster, selectors, services
from .filters import MemberFilterSet
from .forms import IdNumberLookupForm, MemberForm, RosterImportForm

route = Routes()

PAGE_SIZE = 30


@route("", name="list", roles=selectors.READ_ROLES)
def member_list(request):
    filterset = MemberFilterSet(request.GET, queryset=selectors.member_list(user=request.user))
    page, query = paginate(request, filterset.qs, PAGE_SIZE)
    # htmx asks for the results only when a filter changes; a plain request gets the whole page.
    template = "members/_member_table.html" if request.headers.get("HX-Request") else "members/member_list.html"
    return render(
        request,
        template,
        {"page": page, "filter": filterset, "query": query.urlencode(), "total": page.paginator.count},
    )


@route("<int:pk>/", name="detail", roles=selectors.READ_ROLES)
def member_detail(request, pk):
    member = selectors.member_get(user=request.user, pk=pk)
    policy = selectors.member_policy(user=request.user, member=member)
    if policy.id_full and member.id_number:
        note_id_view(request, member)  # 等保: every view of a full ID number is on the security log
    return render(
        request,
        "members/member_detail.html",
        {
            "member": member,
            "policy": policy,
            "id_display": policy.id_number(member),
            "phone_display": policy.phone(member),
            "birth_date": policy.birth_date(member),
            "birth_year": policy.birth_year(member),
        },
    )


def _save_form(request, form, save):
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            member = save(data)
        except ApplicationError as exc:
            for field, errors in exc.errors.items():
                for error in errors if isinstance(errors, list) else [errors]:
                    form.add_error(field if field in form.fields else None, error)
            if not exc.errors:
                form.add_error(None, exc.message)
        else:
            messages.success(request, f"已保存委员“{member.name}”的信息。")
            return redirect("members:detail", pk=member.pk)
    return None


@route("find/", name="find")
@role_required(Role.OFFICE)
@require_http_methods(["POST"])
def member_find(request):
    """按身份证号码查找 (office): POSTed and matched through the keyed hash; the answer is a redirect to
    the member's page (its URL carries the id only), or back to the list without echoing the number."""
    form = IdNumberLookupForm(request.POST)
    if not form.is_valid():
        messages.error(request, "身份证号码有误：" + "；".join(form.errors["id_number"]))
        return redirect("members:list")
    member = selectors.id_number_owner(form.cleaned_data["id_number"])
    if member is None:
        messages.info(request, "没有登记该身份证号码的委员。")
        return redirect("members:list")
    return redirect("members:detail", pk=member.pk)


@route("new/", name="create", roles=(Role.OFFICE,), methods=("GET", "POST"))
def member_create(request):
    form = MemberForm(request.POST or None)
    if request.method == "POST":
        response = _save_form(request, form, lambda data: services.member_create(actor=request.user, data=data))
        if response:
            return response
    return render(request, "members/member_form.html", {"form": form, "title": "新增委员"})


@route("<int:pk>/edit/", name="edit", roles=(Role.OFFICE,), methods=("GET", "POST"))
def member_edit(request, pk):
    member = selectors.member_get(user=request.user, pk=pk)
    form = MemberForm(request.POST or None, instance=member)
    if request.method == "POST":
        response = _save_form(
            request, form, lambda data: services.member_update(actor=request.user, member=member, data=data)
        )
        if response:
            return response
    if member.id_number:
        note_id_view(request, member)  # the edit form shows the full ID number too
    return render(
        request, "members/member_form.html", {"form": form, "title": f"编辑委员：{member.name}", "member": member}
    )


@route("import/", name="import", roles=(Role.OFFICE,), methods=("GET", "POST"))
def roster_import(request):
    form = RosterImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            result = roster.roster_import(actor=request.user, file=form.cleaned_data["file"])
        except ApplicationError as exc:
            context.update(error=exc.message, row_errors=exc.errors.get("rows", []))
        else:
            messages.success(request, f"导入成功：新增 {result.created} 位，更新 {result.updated} 位委员。")
            return redirect("members:list")
    return render(request, "members/roster_import.html", context)


@route("import/template.xlsx", name="import_template")
@role_required(Role.OFFICE)
def roster_template(request):
    return xlsx_response(roster.template_file(), "委员名册模板.xlsx")


@route("export.xlsx", name="export", roles=(Role.OFFICE,))
def roster_export(request):
    members = selectors.member_list(user=request.user, filters=request.GET)
    out = roster.export_to_file(user=request.user, members=members, request=request)
    return xlsx_response(out, f"委员名册_{timezone.localdate():%Y%m%d}.xlsx")
