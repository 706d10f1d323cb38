import pytest

from cppcc.roles import Role
from proposals import services
from proposals.models import ProposalCategory
from tests.factories import HandlingUnitFactory, MemberFactory, TermFactory


@pytest.fixture
def term(db):
    return TermFactory()


@pytest.fixture
def category(db):
    # get_or_create: tests with transaction=True flush the rows the data migration made
    return ProposalCategory.objects.get_or_create(name="经济建设", defaults={"order": 10})[0]


@pytest.fixture
def people(make_user, term):
    """Everyone a proposal meets on its way: proposer, co-signer, office, two units, leader."""
    proposer = make_user(Role.MEMBER, username="proposer")
    MemberFactory(user=proposer, name="李建国")
    cosigner = make_user(Role.MEMBER, username="cosigner")
    MemberFactory(user=cosigner, name="王芳")
    outsider = make_user(Role.MEMBER, username="outsider")
    MemberFactory(user=outsider, name="赵强")
    unit_a = make_user(Role.UNIT, username="unit_a")
    unit_b = make_user(Role.UNIT, username="unit_b")
    unit_c = make_user(Role.UNIT, username="unit_c")
    a, b, c = (
        HandlingUnitFactory(name="区教育局"),
        HandlingUnitFactory(name="区生态环境分局"),
        HandlingUnitFactory(name="区水务局"),
    )
    a.users.add(unit_a)
    b.users.add(unit_b)
    c.users.add(unit_c)
    return {
        "proposer": proposer,
        "cosigner": cosigner,
        "outsider": outsider,
        "office": make_user(Role.OFFICE, username="office"),
        "leader": make_user(Role.LEADER, username="leader"),
        "admin": make_user(Role.ADMIN, username="sysadmin"),
        "auditor": make_user(Role.AUDITOR, username="auditor"),
        "unit_a": unit_a,
        "unit_b": unit_b,
        "unit_c": unit_c,
        "units": {"a": a, "b": b, "c": c},
    }


@pytest.fixture
def draft(people, category):
    def make(title="关于加快城中村改造的建议", **extra):
        return services.proposal_create(
            actor=people["proposer"],
            data={
                "title": title,
                "category": category,
                "background": "城中村基础设施薄弱。",
                "suggestions": "一、统筹规划；二、分步实施。",
                **extra,
            },
            cosigners=[people["cosigner"].member],
        )

    return make


@pytest.fixture
def walk(people):
    """Advance a proposal through the lifecycle up to a named state."""

    def to(proposal, state, lead="a", co=("b",)):
        u = people["units"]
        steps = ["submitted", "filed", "assigned", "handling", "replied", "closed"]
        for step in steps[: steps.index(state) + 1]:
            if step == "submitted":
                proposal = services.proposal_submit(actor=people["proposer"], proposal=proposal)
            elif step == "filed":
                proposal = services.proposal_file(actor=people["office"], proposal=proposal)
            elif step == "assigned":
                proposal = services.proposal_assign(
                    actor=people["office"], proposal=proposal, lead_unit=u[lead], co_units=[u[c] for c in co]
                )
            elif step == "handling":
                for key in (lead, *co):
                    proposal = services.proposal_accept(
                        actor=people[f"unit_{key}"], proposal=proposal, unit_id=u[key].pk
                    )
            elif step == "replied":
                for key in co:
                    services.proposal_reply(
                        actor=people[f"unit_{key}"],
                        proposal=proposal,
                        unit_id=u[key].pk,
                        result="B",
                        content="会办意见",
                    )
                services.proposal_reply(
                    actor=people[f"unit_{lead}"],
                    proposal=proposal,
                    unit_id=u[lead].pk,
                    result="A",
                    content="已列入年度计划。",
                    letter_number="教函〔2026〕12号",
                )
                proposal = services.proposal_approve_reply(
                    actor=people["office"], proposal=proposal, unit_id=u[lead].pk
                )
            elif step == "closed":
                proposal = services.proposal_feedback(
                    actor=people["proposer"], proposal=proposal, satisfaction="satisfied"
                )
        proposal.refresh_from_db()
        return proposal

    return to


# --- added for the service- and API-level suite (test_transitions, test_api, …) ------------------


@pytest.fixture
def api_as(people):
    """An APIClient authenticated as `people[key]` (or as the given user object)."""
    from rest_framework.test import APIClient

    def make(who):
        user = people[who] if isinstance(who, str) else who
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded files go to a throwaway directory, never to var/private."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT
