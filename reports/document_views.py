"""Browser pages for the work-report documents: the documents page (template in use, its tags, the
downloads), the office's template upload and reset, and the two downloads. Thin: parse, call
`reports.documents`, render."""

from django import forms
from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cppcc.errors import ApplicationError
from cppcc.filters import parse_id
from cppcc.roles import Role, has_role
from cppcc.routes import Routes
from cppcc.views_helpers import role_required
from cppcc.xlsx_stream import xlsx_response
from members.models import Session

from . import documents, selectors, statistics
from .models import ReportTemplate

route = Routes()

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class TemplateUploadForm(forms.Form):
    file = forms.FileField(
        label="Word 模板（.docx）",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
        ),
    )


def _period(request):
    """The period the request asks for; a bad one is reported and the current year used instead."""
    try:
        return selectors.period_from_params(request.GET)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return statistics.period_for(year=timezone.localdate().year)


def _session(request) -> Session | None:
    pk = parse_id(request.GET.get("session"))
    return Session.objects.select_related("term").filter(pk=pk).first() if pk else None


def _page(request, *, form=None, error="", status=200):
    period = _period(request)
    session = _session(request)
    context = documents.report_context(period, session=session)
    template = documents.active_template()
    is_office = has_role(request.user, Role.OFFICE)
    return render(
        request,
        "reports/documents.html",
        {
            "period": period,
            "year": period.start.year,
            "report": context["report"],
            "sessions": Session.objects.select_related("term").order_by("-start_date"),
            "session": session,
            "template": template,
            "history": ReportTemplate.objects.select_related("uploaded_by")[:10] if is_office else [],
            "sections": documents.tag_list(context),
            "filters": documents.FILTERS,
            "form": form or (TemplateUploadForm() if is_office else None),
            "upload_error": error,
            "can_manage": is_office,
        },
        status=status,
    )


@route("documents/", name="documents", roles=selectors.READ_ROLES)
def documents_page(request):
    return _page(request)


@route("documents/template/", name="template_upload")
@never_cache
@require_http_methods(["GET", "POST"])
@role_required(Role.OFFICE)
def template_upload(request):
    if request.method == "GET":
        return redirect(reverse("reports:documents") + "#template")
    form = TemplateUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form=form, error="请选择要上传的 Word 模板文件。", status=400)
    try:
        template = documents.template_upload(actor=request.user, file=form.cleaned_data["file"])
    except ApplicationError as exc:
        return _page(request, form=form, error=exc.message, status=400)
    messages.success(request, f"已启用新模板“{template.original_name}”。")
    return redirect(reverse("reports:documents") + "#template")


@route("documents/template/reset/", name="template_reset")
@require_POST
@role_required(Role.OFFICE)
def template_reset(request):
    documents.template_reset(actor=request.user)
    messages.success(request, "已恢复使用系统默认模板。")
    return redirect(reverse("reports:documents") + "#template")


@route("documents/template/download/", name="template_download", roles=selectors.READ_ROLES)
def template_download(request):
    template = documents.active_template()
    try:
        source = documents.template_file(template)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("reports:documents")
    filename = template.original_name if template else "工作报告默认模板.docx"
    return FileResponse(source, as_attachment=True, filename=filename, content_type=DOCX)


def _download_error(request, exc):
    messages.error(request, exc.message)
    return redirect(reverse("reports:documents") + "?" + request.GET.urlencode())


@route("documents/work-report.docx", name="work_report", roles=selectors.READ_ROLES)
def work_report(request):
    try:
        period = selectors.period_from_params(request.GET)
        out = documents.work_report_docx(period, session=_session(request))
    except ApplicationError as exc:
        return _download_error(request, exc)
    return FileResponse(out, as_attachment=True, filename=f"{period.label}工作报告（草稿）.docx", content_type=DOCX)


@route("documents/statistics.xlsx", name="statistics_xlsx", roles=selectors.READ_ROLES)
def statistics_xlsx(request):
    try:
        period = selectors.period_from_params(request.GET)
    except ApplicationError as exc:
        return _download_error(request, exc)
    return xlsx_response(documents.statistics_xlsx(period), f"{period.label}统计数据.xlsx")
