"""The lifecycles of the annual plan, its topics and their outcomes, declared once: the services
enforce these tables, the API generates its actions from them and the pages show their buttons.

    collected ─shortlist(汇题)→ shortlisted ─approve(定题)→ approved ─schedule→ scheduled ─hold→ held
        └──────────────┴───────────drop──────────────┴──────────────────┘                      │
                                                                          submit_outcome ◀─────┘
    outcome_submitted ─close (once every department has answered)→ closed

    outcome: submitted ─instruct(批办, leader)→ instructed ─assign(交办, office)→ assigned
             ─accept(承办, every unit)→ handling ─feedback(反馈, every unit)→ fed_back
             supervise(督办, office or leader) while assigned or handling
"""

from dataclasses import dataclass

from cppcc.roles import Role, has_role
from supervision.workflow import user_unit_ids

from .models import OutcomeState, PlanState, TopicState


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the state stays, or the service decides (e.g. once every unit accepted)
    roles: tuple[str, ...]
    # "any": every holder of the role; "unit": staff of a department the outcome is assigned to.
    scope: str = "any"


T, OS = TopicState, OutcomeState

PLAN_TRANSITIONS: dict[str, Transition] = {
    "approve": Transition("approve", "审定计划", (PlanState.DRAFT,), PlanState.APPROVED, (Role.OFFICE,)),
}

TOPIC_TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("shortlist", "汇题", (T.COLLECTED,), T.SHORTLISTED, (Role.OFFICE,)),
        Transition("approve", "定题", (T.SHORTLISTED,), T.APPROVED, (Role.OFFICE,)),
        Transition("schedule", "安排协商活动", (T.APPROVED,), T.SCHEDULED, (Role.OFFICE,)),
        Transition("hold", "登记协商", (T.SCHEDULED,), T.HELD, (Role.OFFICE,)),
        Transition("submit_outcome", "报送成果", (T.HELD,), T.OUTCOME_SUBMITTED, (Role.OFFICE,)),
        Transition("close", "办结", (T.OUTCOME_SUBMITTED,), T.CLOSED, (Role.OFFICE,)),
        Transition(
            "drop", "不予采用", (T.COLLECTED, T.SHORTLISTED, T.APPROVED, T.SCHEDULED), T.DROPPED, (Role.OFFICE,)
        ),
    )
}
EDITABLE_TOPIC_STATES = (T.COLLECTED, T.SHORTLISTED, T.APPROVED)
ACTIVITY_TOPIC_STATES = (T.SCHEDULED, T.HELD)  # further activities (visits, meetings) may be added

OUTCOME_TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("instruct", "批办", (OS.SUBMITTED,), OS.INSTRUCTED, (Role.LEADER,)),
        Transition("assign", "交办", (OS.INSTRUCTED,), OS.ASSIGNED, (Role.OFFICE,)),
        Transition("accept", "承办签收", (OS.ASSIGNED,), None, (Role.UNIT,), "unit"),
        Transition("supervise", "督办", (OS.ASSIGNED, OS.HANDLING), None, (Role.OFFICE, Role.LEADER)),
        Transition("feedback", "反馈", (OS.ASSIGNED, OS.HANDLING), None, (Role.UNIT,), "unit"),
    )
}


def _allowed(user, state, transitions) -> list[str]:
    return [n for n, t in transitions.items() if state in t.sources and has_role(user, *t.roles)]


def plan_actions(user, plan) -> list[str]:
    return _allowed(user, plan.state, PLAN_TRANSITIONS)


def topic_actions(user, topic) -> list[str]:
    actions = _allowed(user, topic.state, TOPIC_TRANSITIONS)
    if topic.state in EDITABLE_TOPIC_STATES and can_edit_topic(user, topic):
        actions.insert(0, "update")
    return actions


def can_edit_topic(user, topic) -> bool:
    if topic.state not in EDITABLE_TOPIC_STATES:
        return False
    if has_role(user, Role.OFFICE):
        return True
    # A member may correct the topic they proposed while it is still only collected.
    return has_role(user, Role.MEMBER) and topic.state == T.COLLECTED and topic.created_by_id == user.pk


def my_assignments(user, outcome) -> list:
    """The outcome's assignments to the user's own units (from the prefetched `assignment_rows`)."""
    mine = user_unit_ids(user)
    return [a for a in outcome.assignment_rows if a.unit_id in mine]


def outcome_actions(user, outcome) -> list[str]:
    actions = []
    for name in _allowed(user, outcome.state, OUTCOME_TRANSITIONS):
        if OUTCOME_TRANSITIONS[name].scope == "unit":
            mine = my_assignments(user, outcome)
            if name == "accept" and not any(a.accepted_at is None for a in mine):
                continue
            if name == "feedback" and not any(a.accepted_at and not a.fed_back_at for a in mine):
                continue
        actions.append(name)
    return actions
