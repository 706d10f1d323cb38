from django.urls import path

from . import dashboard

urlpatterns: list = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
]
