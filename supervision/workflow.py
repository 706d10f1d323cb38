"""The lifecycles of inspections and recommendations, declared once: the services enforce them,
the API generates its actions from them and the pages show their buttons from them."""

from dataclasses import dataclass

from cppcc.roles import Role, has_role

from .models import Recommendation, State


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the state stays
    roles: tuple[str, ...]
    # "any": every holder of the role; "unit": staff of the department the recommendation was sent to.
    scope: str = "any"


R = Recommendation.State

INSPECTION_TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("hold", "登记开展", (State.PLANNED,), State.HELD, (Role.OFFICE,)),
        Transition("close", "办结", (State.HELD,), State.CLOSED, (Role.OFFICE,)),
    )
}

RECOMMENDATION_TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("send", "交办", (R.DRAFT,), R.SENT, (Role.OFFICE,)),
        Transition("extend", "延期", (R.SENT,), None, (Role.OFFICE,)),
        Transition("respond", "反馈", (R.SENT,), R.RESPONDED, (Role.UNIT,), "unit"),
    )
}


def user_unit_ids(user) -> set[int]:
    from members.models import HandlingUnit

    cached = getattr(user, "_cppcc_unit_ids", None)
    if cached is None:
        cached = set(HandlingUnit.objects.filter(users=user).values_list("pk", flat=True))
        user._cppcc_unit_ids = cached
    return cached


def _allowed(user, obj, transitions) -> list[str]:
    actions = []
    for name, transition in transitions.items():
        if obj.state not in transition.sources or not has_role(user, *transition.roles):
            continue
        if transition.scope == "unit" and obj.unit_id not in user_unit_ids(user):
            continue
        actions.append(name)
    return actions


def inspection_actions(user, inspection) -> list[str]:
    actions = _allowed(user, inspection, INSPECTION_TRANSITIONS)
    # Close only offered once every recommendation is answered (counts annotated by the selector).
    waiting = getattr(inspection, "recommendation_count", 0) - getattr(inspection, "responded_count", 0)
    if "close" in actions and waiting > 0:
        actions.remove("close")
    return actions


def recommendation_actions(user, recommendation) -> list[str]:
    actions = _allowed(user, recommendation, RECOMMENDATION_TRANSITIONS)
    if recommendation.inspection.state != State.HELD and "send" in actions:
        actions.remove("send")  # recommendations go out once the inspection has taken place
    if recommendation.state == R.DRAFT and has_role(user, Role.OFFICE):
        actions.insert(0, "update")
    return actions
