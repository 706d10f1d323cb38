"""The demo year of activities, built on top of `seed_demo`: every kind of activity with attendance,
scores over every grade band, the 评选 — and a second run changes nothing. (One test: the demo takes a
while to build.)"""

import io
from collections import Counter

from django.core.management import call_command
from django.utils import timezone

from activities.models import Activity, ActivityQuantity, Attendance, KeyProject, Regulation
from assessment import engine
from assessment.models import AssessmentAward, AssessmentManualItem, AssessmentScheme
from demo.activities import seed_activities

TABLES = (Activity, Attendance, AssessmentManualItem, AssessmentAward, Regulation)


def test_the_demo_year(db):
    call_command("seed_demo", stdout=io.StringIO())  # seed_demo builds the activity year too
    created = (
        Activity.objects.filter(title__isnull=False)
        .exclude(kind__in=["consultation", "inspection", "research", "supervision"])
        .count()
    )
    today = timezone.localdate()
    year = today.year

    # Every kind of activity, with attendance of every status, speeches and the work-report quantities.
    assert created > 100
    kinds = set(Activity.objects.filter(start_date__year=year).values_list("kind", flat=True))
    assert kinds >= {
        k for k in Activity.Kind.values if k not in ("consultation", "inspection", "research", "supervision")
    }
    statuses = Counter(Attendance.objects.values_list("status", flat=True))
    assert statuses["attended"] > statuses["excused"] > 0 and statuses["absent"] > 0 and statuses["signed_up"] > 0
    assert Attendance.objects.filter(speeches__gt=0).exists()
    assert Activity.objects.get(kind="plenary", start_date__year=year).half_days == 7
    recorded = set(ActivityQuantity.objects.values_list("activity__kind", "kind__code"))
    assert recorded >= {
        ("exchange", "cooperation_intents"),
        ("welfare", "cash_donated_wan"),
        ("welfare", "people_served"),
        ("welfare", "medical_staff"),
        ("poverty", "visits_made"),
        ("poverty", "lamps"),
        ("publicity", "articles_published"),
    }
    assert Activity.objects.filter(kind="welfare", is_highlight=True).count() >= 3
    assert KeyProject.objects.filter(year=year, investment_yi__gte=1, members__isnull=False).distinct().count() == 4
    assert Activity.objects.filter(signup_open=True, start_date__gt=today).count() == 3
    assert Regulation.objects.count() == 5
    # The demo names its district (the draft quotes these titles): never "XX区".
    assert not Regulation.objects.filter(title__contains="XX").exists()
    assert not Activity.objects.filter(title__contains="XX").exists()

    # The year's default scheme; scores over every band, most members in the middle.
    scheme = AssessmentScheme.objects.get(year=year)
    grades = Counter(r.grade for r in engine.score(year=year))
    assert set(grades) == {label for _, label in scheme.bands}, grades
    assert grades["称职"] > grades["良好"] > grades["优秀"] > 0, grades
    assert AssessmentManualItem.objects.filter(category__scheme=scheme, points__lt=0).exists()

    # 评选: outstanding members from the top band, five groups and their leaders.
    awards = Counter(AssessmentAward.objects.filter(year=year).values_list("kind", flat=True))
    assert awards["outstanding_group"] == 5 and awards["excellent_group_leader"] == 5
    assert 1 <= awards["outstanding_member"] <= 12

    counts = [model.objects.count() for model in TABLES]
    assert seed_activities(seed=1) == 0
    assert [model.objects.count() for model in TABLES] == counts
