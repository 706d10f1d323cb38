"""The lifecycle of a social-opinion report, declared once: which action moves which state, and who
may take it. The services enforce it; the API generates its actions from it; the pages show their
forms from it.

    draft ─submit→ submitted ─start_editing→ editing ─forward (编报/报送)→ forwarded ─adopt→ adopted
      │withdraw       │withdraw                  │                           │          (adopt again at
      ▼               ▼                          │reject                     │reject     another level)
   withdrawn       withdrawn     submitted/editing/forwarded ─reject→ not_adopted

    instruct (批示) and pass_to_units (转交部门) while forwarded or adopted; unit_feedback by a
    department the report was passed to. These record, the state stays.
"""

from dataclasses import dataclass

from cppcc.roles import Role, has_role
from supervision.workflow import user_unit_ids

from .models import OpinionState as S


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the state stays
    roles: tuple[str, ...]
    # "any": every holder of the role; "owner": the lead author or whoever entered the report;
    # "unit": staff of a department the report was passed to.
    scope: str = "any"


OPINION_TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("submit", "提交", (S.DRAFT,), S.SUBMITTED, (Role.MEMBER, Role.OFFICE), "owner"),
        Transition("withdraw", "撤回", (S.DRAFT, S.SUBMITTED), S.WITHDRAWN, (Role.MEMBER, Role.OFFICE), "owner"),
        Transition("start_editing", "开始编辑", (S.SUBMITTED,), S.EDITING, (Role.OFFICE,)),
        Transition("forward", "编报", (S.EDITING,), S.FORWARDED, (Role.OFFICE,)),
        Transition("adopt", "登记采用", (S.FORWARDED, S.ADOPTED), S.ADOPTED, (Role.OFFICE,)),
        Transition("reject", "不予采用", (S.SUBMITTED, S.EDITING, S.FORWARDED), S.NOT_ADOPTED, (Role.OFFICE,)),
        Transition("instruct", "登记批示", (S.FORWARDED, S.ADOPTED), None, (Role.OFFICE, Role.LEADER)),
        Transition("pass_to_units", "转交部门", (S.FORWARDED, S.ADOPTED), None, (Role.OFFICE,)),
        Transition("unit_feedback", "部门反馈", (S.FORWARDED, S.ADOPTED), None, (Role.UNIT,), "unit"),
    )
}

# The author changes their text while it is a draft or waits in the queue; the office editor while editing.
AUTHOR_EDITABLE_STATES = (S.DRAFT, S.SUBMITTED)
EDITOR_EDITABLE_STATES = (S.EDITING,)


def is_owner(user, report) -> bool:
    """The lead author, or the person who entered the report (an office clerk for a member, or the
    member who wrote the proposal it was converted from). Uses the prefetched authors if present."""
    if report.created_by_id == user.pk:
        return True
    return any(a.is_lead and a.member.user_id == user.pk for a in report.authors.all())


def passed_unit_ids(report) -> set[int]:
    return {r.unit_id for r in report.referrals.all()}


def can_update(user, report) -> bool:
    if report.state in AUTHOR_EDITABLE_STATES and has_role(user, Role.MEMBER, Role.OFFICE) and is_owner(user, report):
        return True
    return report.state in EDITOR_EDITABLE_STATES and has_role(user, Role.OFFICE)


def opinion_actions(user, report) -> list[str]:
    """The actions `user` may take on `report` now — the same rules the services enforce.
    For one report at a time (detail page and API detail), never per row of a list."""
    actions = []
    for name, transition in OPINION_TRANSITIONS.items():
        if report.state not in transition.sources or not has_role(user, *transition.roles):
            continue
        if transition.scope == "owner" and not is_owner(user, report):
            continue
        if transition.scope == "unit" and not (passed_unit_ids(report) & user_unit_ids(user)):
            continue
        actions.append(name)
    if can_update(user, report):
        actions.insert(0, "update")
    return actions
