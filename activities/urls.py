"""Pages of members' activities, attendance, sign-up and regulations (mounted at /activities/)."""

from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_create, name="create"),
    path("open/", views.open_activities, name="open"),
    path("regulations/", views.regulation_list, name="regulations"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/attendance/", views.activity_attendance, name="attendance"),
    path("<int:pk>/attendance/import/", views.attendance_import_page, name="import"),
    path("<int:pk>/attendance/template.xlsx", views.attendance_template, name="import_template"),
    path("<int:pk>/signup/", views.activity_signup, name="signup"),
    path("<int:pk>/signup/cancel/", views.activity_signup_cancel, name="signup_cancel"),
]
