from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("new/", views.inspection_create, name="create"),
    path("inbox/", views.recommendation_inbox, name="inbox"),
    path("mine/", views.my_activities, name="mine"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("<int:pk>/edit/", views.inspection_edit, name="edit"),
    path("<int:pk>/attendance/", views.inspection_attendance, name="attendance"),
    path("<int:pk>/recommendations/new/", views.recommendation_add, name="recommendation_add"),
    path("<int:pk>/do/<str:name>/", views.inspection_action, name="action"),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation"),
    path("recommendations/<int:pk>/do/<str:name>/", views.recommendation_action, name="recommendation_action"),
]
