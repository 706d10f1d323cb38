FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PYTHONPATH=/app \
    CPPCC_VAR_DIR=/var/lib/cppcc MEDIA_ROOT=/var/lib/cppcc/private BACKUP_DIR=/backups STATIC_ROOT=/app/staticfiles
WORKDIR /app
# pg_dump / pg_restore for `manage.py backup` and `restore` (Debian 12 ships 15, the server's version).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY cppcc cppcc
COPY portal portal
COPY members members
COPY activities activities
COPY assessment assessment
COPY proposals proposals
COPY consultations consultations
COPY supervision supervision
COPY reports reports
RUN pip install --no-cache-dir .
COPY . .
# Static files are collected into the image and served by whitenoise: no CDN, no internet at run time.
# The volume mount points are created owned by the app user, so new named volumes inherit that owner.
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && useradd --system --home /var/lib/cppcc cppcc \
    && mkdir -p /var/lib/cppcc/private /backups \
    && chown -R cppcc /var/lib/cppcc /backups \
    && chmod 700 /var/lib/cppcc/private /backups
USER cppcc
EXPOSE 8000
CMD ["gunicorn", "cppcc.wsgi:application", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
