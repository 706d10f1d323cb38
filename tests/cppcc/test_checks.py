"""The PostgreSQL durability check (`manage.py check --database default`)."""

import os
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.db import connection

from cppcc import checks

SAFE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on", "wal_level": "replica"}


class FakePostgres:
    """Answers SHOW <name> from a dict, as a PostgreSQL connection would."""

    vendor = "postgresql"

    def __init__(self, values):
        self.values, self.shown = values, []

    @contextmanager
    def cursor(self):
        fake = self

        class Cursor:
            def execute(self, sql):
                assert sql.startswith("SHOW ")
                self.name = sql.removeprefix("SHOW ")
                fake.shown.append(self.name)

            def fetchone(self):
                return (fake.values[self.name],)

        yield Cursor()


def ids_for(values, monkeypatch):
    monkeypatch.setattr(checks, "connections", {"default": FakePostgres(values)})
    return sorted(m.id for m in checks.durability_check(databases=["default"]))


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({}, []),
        ({"wal_level": "logical", "synchronous_commit": "local"}, []),
        ({"synchronous_commit": "remote_write"}, []),
        ({"fsync": "off"}, ["cppcc.W101"]),
        ({"synchronous_commit": "off"}, ["cppcc.W102"]),
        ({"full_page_writes": "off"}, ["cppcc.W103"]),
        ({"wal_level": "minimal"}, ["cppcc.W104"]),
        ({"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"},
         ["cppcc.W101", "cppcc.W102", "cppcc.W103"]),
    ],
)  # fmt: skip
def test_durability_settings_table(changes, expected, monkeypatch):
    assert ids_for({**SAFE, **changes}, monkeypatch) == expected


def test_warning_names_the_setting_and_the_fix(monkeypatch):
    monkeypatch.setattr(checks, "connections", {"default": FakePostgres({**SAFE, "fsync": "off"})})
    [message] = checks.durability_check(databases=["default"])
    assert "fsync = off" in message.msg and "postgresql.conf" in message.hint


@pytest.mark.django_db
def test_runs_only_when_a_database_is_named(monkeypatch):
    fake = FakePostgres({**SAFE, "fsync": "off"})
    monkeypatch.setattr(checks, "connections", {"default": fake})
    assert "cppcc.W101" not in {m.id for m in run_checks()}  # plain `check` / `check --deploy`
    assert "cppcc.W101" in {m.id for m in run_checks(databases=["default"])}


@pytest.mark.django_db
def test_silent_on_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("the suite runs on PostgreSQL here")
    assert checks.durability_check(databases=["default"]) == []


@pytest.mark.django_db
def test_warns_on_the_ci_cluster_which_runs_without_fsync():
    """.ci/run starts PostgreSQL with fsync, synchronous_commit and full_page_writes off on purpose."""
    if connection.vendor != "postgresql" or not os.environ.get("CI"):
        pytest.skip("needs the CI PostgreSQL cluster (bash .ci/run)")
    out, err = StringIO(), StringIO()
    call_command("check", "--database", "default", stdout=out, stderr=err)
    output = out.getvalue() + err.getvalue()
    for check_id in ("cppcc.W101", "cppcc.W102", "cppcc.W103"):
        assert check_id in output, output
    assert "cppcc.W104" not in output  # wal_level stays at its default, replica
