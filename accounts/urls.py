from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("users/", views.user_list, name="users"),
    path("users/<int:pk>/roles/", views.user_roles, name="user_roles"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path("open/member/<int:pk>/", views.member_account_open, name="member_open"),
    path("open/unit/", views.unit_account_open, name="unit_open"),
]
