"""docker-compose.yml cannot be run here (no Docker engine); this checks it is well-formed and complete."""

from pathlib import Path

import yaml

COMPOSE = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text())


def test_services_present_and_dependencies_resolve():
    services = COMPOSE["services"]
    assert {"db", "redis", "migrate", "web", "worker", "beat"} <= set(services)
    for name, service in services.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on unknown service {dependency}"


def test_app_services_use_postgres_redis_and_production_settings():
    for name in ("web", "worker", "beat", "migrate"):
        env = COMPOSE["services"][name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://"), name
        assert env["CELERY_BROKER_URL"].startswith("redis://"), name
        assert env["DEBUG"] == "false", name
    assert COMPOSE["services"]["worker"]["command"][:4] == ["celery", "-A", "cppcc", "worker"]
    assert COMPOSE["services"]["beat"]["command"][:4] == ["celery", "-A", "cppcc", "beat"]
