"""The proposal lifecycle, declared once: which action moves which state, and who may take it.

Services execute these transitions; the API, the pages' buttons and the checks all read
this table, so they cannot disagree.
"""

from dataclasses import dataclass

from cppcc.roles import Role

from .models import State


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    roles: tuple[str, ...]
    # Who among the role holders may act on a given proposal: "owner" (proposer/author),
    # "cosigner" (invited, unconfirmed), "unit" (its own active assignment), or "any".
    scope: str = "any"


S = State
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("submit", "提交", (S.DRAFT,), (Role.MEMBER, Role.OFFICE), "owner"),
        Transition("withdraw", "撤回", (S.DRAFT, S.SUBMITTED), (Role.MEMBER, Role.OFFICE), "owner"),
        Transition("cosign", "确认附议", (S.DRAFT, S.SUBMITTED), (Role.MEMBER,), "cosigner"),
        Transition("return_for_revision", "退回补充", (S.SUBMITTED,), (Role.OFFICE,)),
        Transition("file", "立案", (S.SUBMITTED,), (Role.OFFICE,)),
        Transition("reject", "不予立案", (S.SUBMITTED,), (Role.OFFICE,)),
        Transition("merge", "并案", (S.SUBMITTED,), (Role.OFFICE,)),
        Transition("convert", "转社情民意", (S.SUBMITTED,), (Role.OFFICE,)),
        Transition("assign", "交办", (S.FILED,), (Role.OFFICE,)),
        Transition("accept", "签收", (S.ASSIGNED,), (Role.UNIT,), "unit"),
        Transition("return", "申请退回", (S.ASSIGNED,), (Role.UNIT,), "unit"),
        Transition("reply", "答复", (S.HANDLING, S.REHANDLING), (Role.UNIT,), "unit"),
        Transition("approve_reply", "审核答复", (S.HANDLING, S.REHANDLING), (Role.OFFICE,)),
        Transition("extend", "延期", (S.ASSIGNED, S.HANDLING, S.REHANDLING), (Role.OFFICE,)),
        Transition("feedback", "评价", (S.REPLIED,), (Role.MEMBER, Role.OFFICE), "owner"),
        Transition("close", "办结", (S.REPLIED,), (Role.OFFICE,)),
        Transition(
            "flags",
            "重点/督办/优秀",
            (S.FILED, S.ASSIGNED, S.HANDLING, S.REPLIED, S.REHANDLING, S.CLOSED),
            (Role.OFFICE, Role.LEADER),
        ),
    )
}

EDITABLE_STATES = (S.DRAFT,)


def allowed_actions(user, proposal) -> list[str]:
    """The actions `user` may take on `proposal` now — the same rules the services enforce.
    Used for one proposal at a time (detail page and API detail), never per row of a list."""
    from cppcc.roles import has_role

    from .models import Assignment, CoSigner

    actions = []
    for name, transition in TRANSITIONS.items():
        if proposal.state not in transition.sources or not has_role(user, *transition.roles):
            continue
        if transition.scope == "owner":
            owner = proposal.created_by_id == user.pk or (
                proposal.lead_proposer_id is not None and proposal.lead_proposer.user_id == user.pk
            )
            if not owner and not (name == "feedback" and has_role(user, Role.OFFICE)):
                continue
        elif transition.scope == "cosigner":
            pending = CoSigner.objects.filter(proposal=proposal, member__user=user, confirmed_at__isnull=True)
            if not pending.exists():
                continue
        elif transition.scope == "unit":
            mine = Assignment.objects.filter(proposal=proposal, is_active=True, unit__users=user)
            if not mine.exists():
                continue
        actions.append(name)
    if proposal.state in EDITABLE_STATES and "submit" in actions:
        actions.insert(0, "update")
    return actions
