from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    path("", views.board, name="board"),
    path("inbox/", views.inbox, name="inbox"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/do/<str:name>/", views.plan_action, name="plan_action"),
    path("topics/new/", views.topic_create, name="topic_create"),
    path("topics/<int:pk>/", views.topic_detail, name="topic"),
    path("topics/<int:pk>/edit/", views.topic_edit, name="topic_edit"),
    path("topics/<int:pk>/do/<str:name>/", views.topic_action, name="topic_action"),
    path("topics/<int:pk>/activities/new/", views.activity_add, name="activity_add"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("activities/<int:pk>/summary/", views.activity_update, name="activity_update"),
    path("activities/<int:pk>/attendance/", views.activity_attendance, name="attendance"),
    path("activities/<int:pk>/speeches/new/", views.speech_add, name="speech_add"),
    path("outcomes/<int:pk>/", views.outcome_detail, name="outcome"),
    path("outcomes/<int:pk>/do/<str:name>/", views.outcome_action, name="outcome_action"),
    path("outcomes/<int:pk>/files/", views.outcome_upload, name="outcome_upload"),
    path("outcome-files/<int:pk>/", views.outcome_file, name="outcome_file"),
]
