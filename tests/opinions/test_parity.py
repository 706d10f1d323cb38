"""For every state of a report and every role: the detail page shows exactly the actions the API
accepts (and lists) — all three come from the lifecycle engine's `OPINION.allowed()`.

The expected actions are the hand-written table of test_opinion_transitions (`expected`), not
derived from the declaration; the one check is tests/lifecycle/parity.py.
"""

import pytest
from django.urls import reverse

from opinions.workflow import OPINION
from tests.lifecycle.parity import Case, assert_parity

from .test_opinion_transitions import OK, RULES, expected
from .test_opinion_world import ROLES, STATES, Cast


def _case(report):
    return Case(
        OPINION,
        report,
        reverse("opinions:detail", args=[report.pk]),
        lambda name: reverse("opinions:action", args=[report.pk, name]),
        f"/api/v1/opinions/{report.pk}/",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
def test_opinion_page_shows_what_the_api_accepts(state):
    cast = Cast()
    case = _case(cast.report(state))
    got = {role: assert_parity(case, cast[role]) for role in ROLES}
    assert got == {role: {a for a in RULES if expected(state, a, role) == OK} for role in ROLES}
