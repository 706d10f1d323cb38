"""Schemathesis against the project's own OpenAPI schema, once per role.

The demo data (`seed_demo`, a small committee) is loaded once per module inside an outer transaction
that is rolled back at the end; each role's run nests in its own transaction, so what one role's
requests change does not leak into the next. Every operation of the schema is called in-process
(WSGI) with the role's API token; path ids are drawn from the objects the role can see, objects only
the office can see (out of scope: 404 expected) and random numbers. Checks: no 5xx, the status code is
documented, the body matches the documented schema.

Bounded (issue 13: at most 4 minutes of test time in CI, all roles together): SCHEMATHESIS_MAX_EXAMPLES
cases per operation for the roles that do casework (default 3, positive and negative data), and
SCHEMATHESIS_LIGHT_EXAMPLES (default 1) for admin, auditor and security, who are refused nearly every
operation before their input is read (test_api_matrix.py asserts which, operation by operation): one
case per operation still proves no 5xx and a documented answer for them. Every operation is called for
every role. SCHEMATHESIS_SEED changes the (otherwise fixed) random seed.
"""

import functools
import json
import os
import re
import time
import traceback
from collections import Counter, defaultdict

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis import strategies as st
from rest_framework.utils.encoders import JSONEncoder
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from cppcc.roles import Role

# Operations that may end the caller's own token (issue 12): each of their cases is rolled back.
ENDS_OWN_TOKEN = {"POST /api/v1/auth/logout-everywhere/", "DELETE /api/v1/auth/tokens/{id}/"}
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "3"))
LIGHT_EXAMPLES = int(os.environ.get("SCHEMATHESIS_LIGHT_EXAMPLES", "1"))
LIGHT_ROLES = {Role.ADMIN, Role.AUDITOR, Role.SECURITY}  # no casework: 403 before the body is read
SEED = int(os.environ.get("SCHEMATHESIS_SEED", "2026"))
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]

# The demo accounts seed_demo creates, one per role.
ACCOUNTS = {
    Role.MEMBER: "m0001",
    Role.OFFICE: "office",
    Role.UNIT: "unit01",
    Role.LEADER: "leader",
    Role.ADMIN: "admin",
    Role.AUDITOR: "auditor",
    Role.SECURITY: "security",
}
PATH_PARAMETER = re.compile(r"\{(\w+)\}")
IDS_PER_SOURCE = 4


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo committee (30 members) and an API token per role, rolled back when the module ends."""
    from django.contrib.auth import get_user_model

    from accounts.tokens import token_issue

    media = tmp_path_factory.mktemp("schemathesis-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", "--members", "30", "--password", "Schema-2026", stdout=open(os.devnull, "w"))
            users = get_user_model().objects.in_bulk(ACCOUNTS.values(), field_name="username")
            tokens = {role: token_issue(user=users[name])[1] for role, name in ACCOUNTS.items()}
            yield tokens
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


class _InProcessWSGIHandler(WSGIHandler):
    """Django's WSGI handler, minus closing the database connection around each request — as Django's
    test client does: close_old_connections would close the connection holding the test's transaction."""

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = super().__call__(environ, start_response)
            body = list(response)
            response.close()  # sends request_finished while close_old_connections is off
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return body


@pytest.fixture(scope="module")
def api_schema(seeded):
    from drf_spectacular.generators import SchemaGenerator

    raw = SchemaGenerator().get_schema(request=None, public=True)
    # Through JSON, as a client would read it (lazy translations and enums become plain strings).
    schema = schemathesis.openapi.from_dict(json.loads(json.dumps(raw, cls=JSONEncoder)))
    schema.app = _InProcessWSGIHandler()
    return schema


def _collection(path: str) -> str:
    """`/api/v1/proposals/{id}/assign/` → `/api/v1/proposals/`."""
    return path[: path.index("{")]


def _visible_ids(path: str, token: str) -> list:
    """Ids (first path parameter) of the first objects the token's user sees in the collection."""
    name = PATH_PARAMETER.search(path).group(1)
    return _ids_in(_collection(path), "id" if name == "id" else name, token)


@functools.cache
def _ids_in(collection: str, key: str, token: str) -> list:
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get(collection, {"page_size": 50})
    if response.status_code != 200:
        return []
    data = response.json()
    rows = data.get("results", data) if isinstance(data, dict) else data
    ids = [row.get(key, row.get("id")) for row in rows if isinstance(row, dict)]
    return [i for i in ids if i is not None][:IDS_PER_SOURCE]


def _strategy(operation, own_ids, other_ids):
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    strategies = [operation.as_strategy(generation_mode=mode) for mode in modes]
    names = PATH_PARAMETER.findall(operation.path)
    if len(names) == 1:
        for value in own_ids + other_ids:
            strategies.append(operation.as_strategy(path_parameters={names[0]: value}))
    return st.one_of(strategies)


def _fuzz(strategy, examples, label, headers, cases, statuses, failures, server_errors):
    """`examples` cases of one operation; the first failure of each operation is kept for the report."""

    @seed(SEED)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
    )
    @given(case=strategy)
    def run(case):
        cases[label] += 1
        # Each case in its own savepoint: a refused write must not spoil the next case's transaction.
        server_errors.clear()
        with transaction.atomic():
            response = case.call(headers=headers)
            statuses[label][response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except FailureGroup as exc:
                failures.setdefault(label, str(exc) + "\n".join(server_errors))
            if label in ENDS_OWN_TOKEN:  # undone, or every later operation would answer 401
                transaction.set_rollback(True)

    run()


@pytest.mark.parametrize("role", list(ACCOUNTS), ids=[str(r) for r in ACCOUNTS])
def test_api_conforms_to_schema(role, seeded, api_schema, db):
    token = seeded[role]
    examples = LIGHT_EXAMPLES if role in LIGHT_ROLES else MAX_EXAMPLES
    headers = {"Authorization": f"Token {token}"}
    server_errors: list[str] = []
    got_request_exception.connect(
        lambda sender, request=None, **kw: server_errors.append(traceback.format_exc()),
        weak=False,
        dispatch_uid="schemathesis-500",
    )
    failures: dict[str, str] = {}
    cases: Counter = Counter()
    statuses: dict[str, Counter] = defaultdict(Counter)
    started = time.monotonic()
    try:
        operations = 0
        for result in api_schema.get_all_operations():
            operation = result.ok()
            operations += 1
            label = operation.label
            own_ids = other_ids = []
            if "{" in operation.path:
                own_ids = _visible_ids(operation.path, token)
                other_ids = [i for i in _visible_ids(operation.path, seeded[Role.OFFICE]) if i not in own_ids]

            strategy = _strategy(operation, own_ids, other_ids)
            _fuzz(strategy, examples, label, headers, cases, statuses, failures, server_errors)
    finally:
        got_request_exception.disconnect(dispatch_uid="schemathesis-500")
    elapsed = time.monotonic() - started
    by_status = Counter()
    for counter in statuses.values():
        by_status.update(counter)
    print(
        f"\nschemathesis {role}: {len(cases)} operations, {sum(cases.values())} cases, "
        f"{sum(v for k, v in by_status.items() if k >= 500)} server errors, {len(failures)} failing operations, "
        f"{elapsed:.1f}s; statuses {dict(sorted(by_status.items()))}"
    )
    assert len(cases) == operations > 150, "every operation of the schema was exercised"
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in sorted(failures.items()))
