#!/usr/bin/env bash
# Start the Celery worker (with beat) in the background and the web server in the foreground;
# stopping the server (Ctrl-C) stops the worker too.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
mkdir -p var/celery/broker var/celery/processed
# Today's reminders at start-up, so that the demo shows them at once (the scan is idempotent: what was
# sent before is not sent again); beat runs it daily afterwards.
"$PY" manage.py send_reminders | tail -n 1
"$PY" -m celery -A cppcc worker --beat --loglevel=INFO --concurrency=2 \
  --schedule var/celery/beat-schedule --logfile var/celery/worker.log &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM
cat <<MSG

  政协履职与提案管理系统 — http://${HOST:-127.0.0.1}:${PORT:-8000}/
  演示账号（密码 ${DEMO_PASSWORD:-Cppcc@2026}）：
    office  机关工作人员      leader  领导        admin   系统管理员   auditor 审计员
    unit01…unit30 承办单位    m0001…m0300 委员
  Celery worker+beat 日志：var/celery/worker.log

MSG
"$PY" manage.py runserver "${HOST:-127.0.0.1}:${PORT:-8000}"
