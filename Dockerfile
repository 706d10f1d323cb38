FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 CPPCC_VAR_DIR=/var/lib/cppcc STATIC_ROOT=/app/staticfiles
WORKDIR /app
COPY pyproject.toml README.md ./
COPY cppcc cppcc
COPY members members
COPY proposals proposals
COPY consultations consultations
COPY supervision supervision
COPY reports reports
RUN pip install --no-cache-dir .
COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && useradd --system --home /var/lib/cppcc cppcc && mkdir -p /var/lib/cppcc && chown cppcc /var/lib/cppcc
USER cppcc
EXPOSE 8000
CMD ["gunicorn", "cppcc.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
