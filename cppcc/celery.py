"""Celery application. The broker comes from settings (embedded filesystem broker by default)."""

import os

from celery import Celery

from cppcc.logging_filters import install_on_celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cppcc.settings")

app = Celery("cppcc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
install_on_celery()  # ID and mobile numbers masked in the worker's logs too
