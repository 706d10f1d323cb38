from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/sent/", views.password_reset_done, name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password/reset/complete/", views.password_reset_complete, name="password_reset_complete"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("logout-everywhere/", views.logout_everywhere, name="logout_everywhere"),
    path("users/", views.user_list, name="users"),
    path("users/<int:pk>/roles/", views.user_roles, name="user_roles"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path("open/member/<int:pk>/", views.member_account_open, name="member_open"),
    path("open/unit/", views.unit_account_open, name="unit_open"),
]
