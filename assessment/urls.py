"""Pages of the performance assessment (mounted at /assessment/)."""

from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("export.xlsx", views.export, name="export"),
    path("mine/", views.mine, name="mine"),
    path("scheme/", views.scheme, name="scheme"),
    path("scheme/<int:year>/do/<str:op>/", views.scheme_action, name="scheme_action"),
    path("awards/<int:year>/", views.awards_save, name="awards"),
    path("members/<int:pk>/", views.member_detail, name="member"),
    path("members/<int:pk>/manual/", views.manual_add, name="manual_add"),
    path("manual/<int:pk>/remove/", views.manual_remove, name="manual_remove"),
]
