from django.urls import path

from . import views

app_name = "proposals"

urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("mine/", views.proposal_mine, name="mine"),
    path("review/", views.proposal_review, name="review"),
    path("board/", views.proposal_board, name="board"),
    path("inbox/", views.proposal_inbox, name="inbox"),
    path("new/", views.proposal_create, name="create"),
    path("export.xlsx", views.proposal_export, name="export"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("<int:pk>/edit/", views.proposal_edit, name="edit"),
    path("<int:pk>/do/<str:name>/", views.proposal_action, name="action"),
    path("<int:pk>/print.docx", views.proposal_print, name="print"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
