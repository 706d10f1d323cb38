"""The import rules of docs/architecture.md that import-linter cannot see: no app imports another
app's private names (`from proposals.services import _lock`). The layer and cycle contracts are
checked by `lint-imports` (pyproject.toml, run by `make test`)."""

import ast
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]


def project_apps() -> list[str]:
    return sorted(config.name for config in apps.get_app_configs() if (ROOT / config.name.replace(".", "/")).is_dir())


def private_imports(app: str) -> list[str]:
    others = set(project_apps()) - {app}
    found = []
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module.split(".")[0] in others:
                    found += [
                        f"{path.relative_to(ROOT)}: from {node.module} import {alias.name}"
                        for alias in node.names
                        if alias.name.startswith("_")
                    ]
    return found


def test_the_project_apps_are_found():
    assert {"cppcc", "members", "proposals", "activities", "assessment"} <= set(project_apps())


@pytest.mark.parametrize("app", project_apps())
def test_no_private_names_across_apps(app):
    assert private_imports(app) == []
