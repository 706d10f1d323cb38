from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("", views.member_list, name="list"),
    path("new/", views.member_create, name="create"),
    path("find/", views.member_find, name="find"),
    path("import/", views.roster_import, name="import"),
    path("import/template.xlsx", views.roster_template, name="import_template"),
    path("export.xlsx", views.roster_export, name="export"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
]
