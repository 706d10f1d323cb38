from django.urls import path

from . import views

app_name = "opinions"

urlpatterns = [
    path("", views.opinion_list, name="list"),
    path("mine/", views.opinion_mine, name="mine"),
    path("queue/", views.opinion_queue, name="queue"),
    path("inbox/", views.opinion_inbox, name="inbox"),
    path("new/", views.opinion_create, name="create"),
    path("<int:pk>/", views.opinion_detail, name="detail"),
    path("<int:pk>/edit/", views.opinion_edit, name="edit"),
    path("<int:pk>/do/<str:name>/", views.opinion_action, name="action"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
