import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(env_overrides, *args):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_values(tmp_path):
    result = _run(
        {
            "DEBUG": "false",
            "SECRET_KEY": "x7$k2-prod-secret-" + "a9Zq" * 12,
            "ALLOWED_HOSTS": "cppcc.example.gov.cn",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
            "FIELD_ENCRYPTION_KEYS": "uO0pW5mYg3Zb1Qm9cXyH4bKq2TnR8sVe6aLdJfGiPkE=",
            "FIELD_HASH_KEY": "hash-" + "Qw7e" * 12,
            "CPPCC_DISTRICT": "城关区",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_asks_for_the_district(tmp_path):
    """Without CPPCC_DISTRICT every work report draft would say "XX区"."""
    result = _run(
        {
            "DEBUG": "false",
            "SECRET_KEY": "x7$k2-prod-secret-" + "a9Zq" * 12,
            "ALLOWED_HOSTS": "cppcc.example.gov.cn",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "FIELD_ENCRYPTION_KEYS": "uO0pW5mYg3Zb1Qm9cXyH4bKq2TnR8sVe6aLdJfGiPkE=",
            "FIELD_HASH_KEY": "hash-" + "Qw7e" * 12,
            "CPPCC_DISTRICT": "",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode != 0
    assert "cppcc.W201" in result.stdout + result.stderr


def test_check_deploy_flags_the_embedded_secret_key(tmp_path):
    result = _run(
        {"DEBUG": "false", "ALLOWED_HOSTS": "cppcc.example.gov.cn", "DATABASE_URL": f"sqlite:///{tmp_path / 'd.db'}"},
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_zh_hans_and_shanghai():
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
