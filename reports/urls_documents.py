from django.urls import path

from . import document_views as views

urlpatterns: list = [
    path("documents/", views.documents_page, name="documents"),
    path("documents/work-report.docx", views.work_report, name="work_report"),
    path("documents/statistics.xlsx", views.statistics_xlsx, name="statistics_xlsx"),
    path("documents/template/", views.template_upload, name="template_upload"),
    path("documents/template/download/", views.template_download, name="template_download"),
    path("documents/template/reset/", views.template_reset, name="template_reset"),
]
