"""Two staff adding recommendations to the same inspection at the same instant still get 1, 2, 3 …:
the inspection's row is the lock (PostgreSQL; SQLite serialises writers anyway)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from cppcc.roles import user_roles
from supervision import services
from supervision.models import Inspection, Recommendation


@pytest.mark.xdist_group("postgres_concurrency")  # see pyproject [tool.pytest] markers
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent transactions (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_concurrent_recommendations_are_numbered_without_gaps_or_twins(people, make_inspection):
    inspection = make_inspection("held")
    office = people["office"]
    user_roles(office)  # cache the roles on the shared user object before the threads start

    def add(i):
        try:
            fresh = Inspection.objects.get(pk=inspection.pk)
            return services.recommendation_add(actor=office, inspection=fresh, text=f"建议{i}").number
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(add, range(30)))
    assert sorted(numbers) == list(range(1, 31))
    assert sorted(Recommendation.objects.values_list("number", flat=True)) == list(range(1, 31))
