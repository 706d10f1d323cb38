"""Celery application. The broker comes from settings (embedded filesystem broker by default)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cppcc.settings")

app = Celery("cppcc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
