"""The check behind tests/lifecycle/test_parity.py: for one record, one user, the actions the page
offers, the actions the API lists and the actions the API accepts are the same set — all three from
the lifecycle engine's `allowed()`.

"Accepts" means the API does not refuse the action for its role, scope or state: each transition is
POSTed with an empty payload inside a savepoint that is rolled back (so every action starts from the
same record); 403/404/409 is a refusal, anything else (200, or 400 for a payload that lacks a field)
means the engine let the action through to its payload and service.

A case may give an action a well-formed payload (`payloads`): then the service's own refusals count
too — an action whose payload names what it acts on (the unit that signs, the reply reviewed) is
refused by its service with 409 when there is nothing to act on, and the page must not offer it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from cppcc.lifecycle import Lifecycle

REFUSED = (403, 404, 409)


@dataclass
class Case:
    """One record of a lifecycle in one state, and where the page and the API show it."""

    lifecycle: Lifecycle
    obj: object
    page_url: str  # the detail page that shows the buttons
    action_path: Callable[[str], str]  # name → the page's form action for it
    api_url: str  # the API detail (its `allowed_actions`); actions are POSTed to f"{api_url}{name}/"
    payloads: dict[str, dict] = field(default_factory=dict)  # name → the payload POSTed (default: none)


def detail_case(lifecycle: Lifecycle, obj, page: str, action: str, api: str, payloads=None) -> Case:
    """The usual case: the detail page `page` (a URL name taking the pk), its forms posting to `action`
    (a URL name taking the pk and the action's name), the API detail at /api/v1/<api>/<pk>/."""
    return Case(
        lifecycle,
        obj,
        reverse(page, args=[obj.pk]),
        lambda name: reverse(action, args=[obj.pk, name]),
        f"/api/v1/{api}/{obj.pk}/",
        payloads or {},
    )


def page_actions(case: Case, user) -> set[str] | None:
    """The transitions whose forms the page shows, or None when the page is not the user's to see."""
    client = Client()
    client.force_login(user)
    response = client.get(case.page_url)
    if response.status_code in (403, 404):
        return None
    assert response.status_code == 200, (case.page_url, response.status_code)
    html = response.content.decode()
    return {name for name in case.lifecycle.transitions if f'action="{case.action_path(name)}"' in html}


def api_actions(case: Case, user) -> tuple[set[str] | None, set[str]]:
    """(the API's `allowed_actions` without the non-transition extras, the transitions it accepts)."""
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(case.api_url)
    listed = None
    if response.status_code == 200:
        listed = set(response.json()["allowed_actions"]) & set(case.lifecycle.transitions)
    accepted = set()
    for name in case.lifecycle.transitions:
        with transaction.atomic():
            status = client.post(f"{case.api_url}{name}/", case.payloads.get(name, {}), format="json").status_code
            transaction.set_rollback(True)
        assert status != 500, (name, status)
        if status not in REFUSED:
            accepted.add(name)
    return listed, accepted


def assert_parity(case: Case, user) -> set[str]:
    shown = page_actions(case, user)
    listed, accepted = api_actions(case, user)
    if shown is None:
        # The record may still be readable through the API (a member reads the plan; the board that
        # shows its buttons is the office's and the leaders'), but nothing is listed or accepted.
        assert not accepted and not listed, "no page, but the API lists or accepts actions"
        return set()
    assert shown == accepted, f"page shows {sorted(shown)}, API accepts {sorted(accepted)}"
    assert listed == accepted, f"API lists {sorted(listed)}, accepts {sorted(accepted)}"
    return accepted
