"""Two departments answering the same outcome at the same instant: the outcome's row is locked by each
step, so the second answer sees the first and the outcome ends `fed_back` (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from consultations import services
from consultations.models import ConsultationOutcome, OutcomeState
from cppcc.roles import user_roles


@pytest.mark.xdist_group("postgres_concurrency")  # see pyproject [tool.pytest] markers
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent transactions (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_simultaneous_feedback_of_two_units_completes_the_chain(people, topic_in):
    outcome = topic_in("outcome_submitted", outcome="handling", units=("a", "b")).outcome
    barrier = threading.Barrier(2)
    errors = []

    def answer(who):
        user = people[who]
        user_roles(user)
        try:
            barrier.wait()
            services.outcome_feedback(
                actor=user,
                outcome=ConsultationOutcome.objects.get(pk=outcome.pk),
                adoption="adopted",
                content="已落实。",
            )
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(who,)) for who in ("unit_a", "unit_b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    outcome.refresh_from_db()
    assert outcome.state == OutcomeState.FED_BACK
    assert not outcome.assignments.filter(fed_back_at__isnull=True).exists()
