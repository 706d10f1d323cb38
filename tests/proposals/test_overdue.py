"""Deadlines: the overdue annotation and filter, the assignment deadlines, Chinese working days."""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from cppcc import workdays
from cppcc.workdays import add_workdays, is_workday, workdays_between
from proposals import services
from proposals.models import Assignment, Proposal, State
from proposals.selectors import annotate_overdue

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = dt.timedelta(days=1)


def flags(proposal, today):
    row = annotate_overdue(Proposal.objects.filter(pk=proposal.pk), today=today).get()
    return row.reply_overdue, row.feedback_overdue, row.is_overdue


def lead_of(proposal):
    return proposal.assignments.get(is_active=True, role__in=[Assignment.Role.LEAD])


def reply(people, proposal, key, result="A"):
    return services.proposal_reply(
        actor=people[f"unit_{key}"], proposal=proposal, unit_id=people["units"][key].pk, result=result, content="答复"
    )


def approve(people, proposal, key):
    return services.proposal_approve_reply(actor=people["office"], proposal=proposal, unit_id=people["units"][key].pk)


# ---------------------------------------------------------------------------------------------
# annotate_overdue
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("state", ["assigned", "handling"])
def test_reply_overdue_after_the_lead_due_date(draft, walk, state):
    proposal = walk(draft(), state)
    due = lead_of(proposal).due_date
    assert flags(proposal, due) == (False, False, False)  # the due date itself is still on time
    assert flags(proposal, due + DAY) == (True, False, True)


def test_pending_reply_is_still_overdue(people, draft, walk):
    proposal = walk(draft(), "handling", co=())
    reply(people, proposal, "a")
    assert flags(proposal, lead_of(proposal).due_date + DAY)[0] is True


def test_co_unit_due_date_does_not_count(draft, walk):
    proposal = walk(draft(), "handling", co=("b",))
    lead = lead_of(proposal)
    co = proposal.assignments.get(role=Assignment.Role.CO)
    Assignment.objects.filter(pk=co.pk).update(due_date=lead.due_date - dt.timedelta(days=30))
    assert flags(proposal, lead.due_date - dt.timedelta(days=10)) == (False, False, False)
    assert flags(proposal, lead.due_date + DAY)[0] is True


def test_split_unit_approved_is_not_overdue_the_other_is(api_as, people, draft, walk):
    proposal = walk(draft(), "filed")
    services.proposal_assign(
        actor=people["office"], proposal=proposal, split_units=[people["units"]["a"], people["units"]["c"]]
    )
    for key in ("a", "c"):
        services.proposal_accept(actor=people[f"unit_{key}"], proposal=proposal, unit_id=people["units"][key].pk)
    reply(people, proposal, "a")
    approve(people, proposal, "a")
    proposal.refresh_from_db()
    assert proposal.state == State.HANDLING
    a = proposal.assignments.get(unit=people["units"]["a"])
    c = proposal.assignments.get(unit=people["units"]["c"])
    # only a is past due, and a's reply is approved: on time
    Assignment.objects.filter(pk=c.pk).update(due_date=a.due_date + dt.timedelta(days=20))
    assert flags(proposal, a.due_date + DAY) == (False, False, False)
    # c passes its due date without an approved reply: overdue
    assert flags(proposal, a.due_date + dt.timedelta(days=21))[0] is True
    reply(people, proposal, "c")
    assert flags(proposal, a.due_date + dt.timedelta(days=21))[0] is True  # pending is not enough
    approve(people, proposal, "c")
    proposal.refresh_from_db()
    assert proposal.state == State.REPLIED
    assert flags(proposal, a.due_date + dt.timedelta(days=21))[0] is False


def test_approved_reply_of_an_earlier_round_does_not_count(people, draft, walk):
    proposal = walk(draft(), "replied", co=())
    proposal = services.proposal_feedback(
        actor=people["proposer"], proposal=proposal, satisfaction="unsatisfied", comment="未解决"
    )
    due = lead_of(proposal).due_date
    assert due == timezone.localdate() + relativedelta(months=1)  # PROPOSAL_REHANDLE_MONTHS
    assert flags(proposal, due) == (False, False, False)
    assert flags(proposal, due + DAY) == (True, False, True)
    reply(people, proposal, "a")
    proposal = approve(people, proposal, "a")
    assert proposal.state == State.REPLIED
    assert flags(proposal, due + DAY)[0] is False


def test_feedback_overdue_when_replied_and_past_feedback_due(people, draft, walk):
    proposal = walk(draft(), "replied")
    due = proposal.feedback_due
    assert due > timezone.localdate()
    assert flags(proposal, due) == (False, False, False)
    assert flags(proposal, due + DAY) == (False, True, True)
    services.proposal_feedback(actor=people["proposer"], proposal=proposal, satisfaction="satisfied")
    assert flags(proposal, due + DAY) == (False, False, False)


def test_closed_and_unassigned_proposals_are_never_overdue(draft, walk):
    closed = walk(draft(), "closed")
    Assignment.objects.filter(proposal=closed).update(due_date=dt.date(2020, 1, 1))
    far = timezone.localdate() + dt.timedelta(days=3650)
    assert flags(closed, far) == (False, False, False)
    assert flags(walk(draft("另一件"), "filed"), far) == (False, False, False)


def test_returned_assignment_does_not_count(people, draft, walk):
    proposal = walk(draft(), "assigned", co=())
    services.proposal_return(actor=people["unit_a"], proposal=proposal, unit_id=people["units"]["a"].pk, reason="错派")
    services.proposal_assign(actor=people["office"], proposal=proposal, lead_unit=people["units"]["b"])
    old = proposal.assignments.get(unit=people["units"]["a"])
    Assignment.objects.filter(pk=old.pk).update(due_date=dt.date(2020, 1, 1))
    assert flags(proposal, timezone.localdate()) == (False, False, False)


def test_overdue_filter_and_list_flags(api_as, people, draft, walk):
    today = timezone.localdate()
    late_reply = walk(draft("答复逾期"), "handling")
    Assignment.objects.filter(proposal=late_reply, role=Assignment.Role.LEAD).update(due_date=today - DAY)
    on_time = walk(draft("按期办理"), "handling")
    late_co_only = walk(draft("会办逾期"), "handling")
    Assignment.objects.filter(proposal=late_co_only, role=Assignment.Role.CO).update(due_date=today - DAY)
    late_feedback = walk(draft("评价逾期"), "replied")
    Proposal.objects.filter(pk=late_feedback.pk).update(feedback_due=today - DAY)

    response = api_as("office").get("/api/v1/proposals/?overdue=true")
    assert response.status_code == 200
    rows = {r["id"]: r for r in response.json()["results"]}
    assert set(rows) == {late_reply.pk, late_feedback.pk}
    assert (rows[late_reply.pk]["reply_overdue"], rows[late_reply.pk]["feedback_overdue"]) == (True, False)
    assert (rows[late_feedback.pk]["reply_overdue"], rows[late_feedback.pk]["feedback_overdue"]) == (False, True)
    others = {r["id"] for r in api_as("office").get("/api/v1/proposals/?overdue=false").json()["results"]}
    assert others == {on_time.pk, late_co_only.pk}
    # the lead unit sees its own overdue work
    unit_rows = api_as("unit_a").get("/api/v1/proposals/?overdue=true").json()["results"]
    assert {r["id"] for r in unit_rows} == {late_reply.pk, late_feedback.pk}


# ---------------------------------------------------------------------------------------------
# Assignment deadlines
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def at(monkeypatch):
    """Pretend it is `when` (Asia/Shanghai) for timezone.now() everywhere."""

    def set_now(*args):
        moment = dt.datetime(*args, tzinfo=SHANGHAI)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return set_now


@pytest.mark.parametrize(
    ("moment", "due", "max_due", "return_by"),
    [
        # National Day 2025: Oct 1–8 off, Sun Sep 28 and Sat Oct 11 worked.
        # Oct 9, 10, 11(Sat), 13, 14, 15, 16, 17, 20, 21 → the 10th working day is Tue Oct 21.
        ((2025, 9, 30, 10), (2025, 12, 30), (2026, 3, 30), (2025, 10, 21)),
        # Spring Festival 2026: Feb 15–23 off, Sat Feb 14 and Sat Feb 28 worked.
        # Feb 14(Sat), 24, 25, 26, 27, 28(Sat), Mar 2, 3, 4, 5 → Thu Mar 5.
        ((2026, 2, 13, 16), (2026, 5, 13), (2026, 8, 13), (2026, 3, 5)),
        # month ends clamp: Aug 31 + 3 months = Nov 30, + 6 months = Feb 28; Sep 1–12 are ten working days
        ((2025, 8, 31, 9), (2025, 11, 30), (2026, 2, 28), (2025, 9, 12)),
        # late in the evening in Beijing is still that day (UTC is 8 hours behind)
        ((2025, 9, 30, 23, 30), (2025, 12, 30), (2026, 3, 30), (2025, 10, 21)),
    ],
    ids=["national-day-2025", "spring-festival-2026", "month-end", "late-evening"],
)
def test_assignment_deadlines(people, draft, walk, at, moment, due, max_due, return_by):
    proposal = walk(draft(), "filed")
    now = at(*moment)
    services.proposal_assign(
        actor=people["office"], proposal=proposal, lead_unit=people["units"]["a"], co_units=[people["units"]["b"]]
    )
    for assignment in Assignment.objects.filter(proposal=proposal):
        assert assignment.assigned_at == now
        assert assignment.due_date == dt.date(*due), assignment.role
        assert assignment.max_due_date == dt.date(*max_due)
        assert assignment.return_deadline == dt.date(*return_by)


def test_deadlines_follow_the_settings(people, draft, walk, at, settings):
    settings.PROPOSAL_REPLY_MONTHS = 2
    settings.PROPOSAL_MAX_REPLY_MONTHS = 4
    settings.PROPOSAL_RETURN_WORKDAYS = 5
    proposal = walk(draft(), "filed")
    at(2025, 9, 30, 10)
    services.proposal_assign(actor=people["office"], proposal=proposal, lead_unit=people["units"]["a"])
    a = Assignment.objects.get(proposal=proposal)
    # Oct 9, 10, 11(Sat, worked), 13, 14
    assert (a.due_date, a.max_due_date, a.return_deadline) == (
        dt.date(2025, 11, 30),
        dt.date(2026, 1, 30),
        dt.date(2025, 10, 14),
    )


def test_return_window_closes_after_the_tenth_working_day(api_as, people, draft, walk, at):
    proposal = walk(draft(), "filed")
    at(2025, 9, 30, 10)
    services.proposal_assign(actor=people["office"], proposal=proposal, lead_unit=people["units"]["a"])
    payload = {"unit": people["units"]["a"].pk, "reason": "不属于本单位职责"}
    at(2025, 10, 22, 9)
    late = api_as("unit_a").post(f"/api/v1/proposals/{proposal.pk}/return/", payload, format="json")
    assert late.status_code == 409
    assert "2025年10月21日" in late.json()["message"]
    at(2025, 10, 21, 17)
    proposal = services.proposal_return(
        actor=people["unit_a"], proposal=proposal, unit_id=people["units"]["a"].pk, reason="不属于本单位职责"
    )
    assert proposal.state == State.FILED


def test_feedback_due_is_fifteen_working_days_after_approval(people, draft, walk, at):
    proposal = walk(draft(), "handling", co=())
    reply(people, proposal, "a")
    at(2025, 9, 26, 15)
    proposal = approve(people, proposal, "a")
    # Sep 28(Sun, worked), 29, 30, Oct 9, 10, 11(Sat, worked), 13, 14, 15, 16, 17, 20, 21, 22, 23
    assert proposal.feedback_due == dt.date(2025, 10, 23)


# ---------------------------------------------------------------------------------------------
# cppcc.workdays
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("day", "working"),
    [
        ((2025, 9, 28), True),  # Sunday, make-up working day
        ((2025, 9, 27), False),  # an ordinary Saturday
        ((2025, 10, 1), False),
        ((2025, 10, 8), False),  # a Wednesday inside the holiday
        ((2025, 10, 9), True),
        ((2025, 10, 11), True),  # Saturday, make-up working day
        ((2026, 2, 14), True),  # Saturday, make-up working day
        ((2026, 2, 16), False),  # Monday inside the Spring Festival
        ((2026, 2, 23), False),
        ((2026, 2, 24), True),
        ((2026, 2, 28), True),  # Saturday, make-up working day
    ],
)
def test_is_workday_knows_the_official_arrangements(day, working):
    assert is_workday(dt.date(*day)) is working


@pytest.mark.parametrize(
    ("start", "days", "result"),
    [
        ((2025, 9, 30), 10, (2025, 10, 21)),
        ((2025, 9, 30), 1, (2025, 10, 9)),  # the whole holiday is skipped
        ((2025, 9, 26), 1, (2025, 9, 28)),  # Friday + 1 → the make-up Sunday, not Monday
        ((2025, 9, 26), 3, (2025, 9, 30)),
        ((2025, 9, 26), 4, (2025, 10, 9)),
        ((2025, 10, 10), 1, (2025, 10, 11)),  # Friday + 1 → the make-up Saturday
        ((2026, 2, 13), 1, (2026, 2, 14)),
        ((2026, 2, 14), 1, (2026, 2, 24)),
        ((2026, 2, 13), 10, (2026, 3, 5)),
        ((2026, 2, 27), 1, (2026, 2, 28)),
        ((2025, 9, 30), 0, (2025, 9, 30)),
    ],
)
def test_add_workdays(start, days, result):
    assert add_workdays(dt.date(*start), days) == dt.date(*result)


def test_workdays_between():
    assert workdays_between(dt.date(2025, 9, 30), dt.date(2025, 10, 8)) == 0
    assert workdays_between(dt.date(2025, 9, 30), dt.date(2025, 10, 21)) == 10
    assert workdays_between(dt.date(2026, 2, 13), dt.date(2026, 3, 5)) == 10
    assert workdays_between(dt.date(2025, 10, 21), dt.date(2025, 9, 30)) == 0
    assert workdays_between(dt.date(2025, 10, 21), dt.date(2025, 10, 21)) == 0


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_workdays(dt.date(2025, 1, 1), -1)


def test_year_without_official_data_counts_monday_to_friday_and_warns_once(caplog):
    workdays._warn_unknown_year.cache_clear()
    with caplog.at_level(logging.WARNING, logger="cppcc.workdays"):
        # Mon Sep 30 2030: no arrangement published, so Oct 1–4 count like any weekday.
        assert add_workdays(dt.date(2030, 9, 30), 10) == dt.date(2030, 10, 14)
        assert add_workdays(dt.date(2030, 10, 4), 1) == dt.date(2030, 10, 7)  # Friday → Monday
        assert is_workday(dt.date(2030, 10, 5)) is False  # Saturday
        assert workdays_between(dt.date(2030, 1, 4), dt.date(2030, 1, 11)) == 5
    warnings = [r for r in caplog.records if "2030" in r.getMessage()]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
