"""三员分立: administrator roles exclude each other and casework; only the security admin assigns roles."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse

from accounts import services
from cppcc.errors import ApplicationError, PermissionDenied
from cppcc.roles import Role, role_conflict, user_roles

User = get_user_model()

A, S, AU = Role.ADMIN, Role.SECURITY, Role.AUDITOR
M, O, U, L = Role.MEMBER, Role.OFFICE, Role.UNIT, Role.LEADER  # noqa: E741


@pytest.mark.parametrize(
    ("roles", "allowed"),
    [
        ((), True),
        ((A,), True),
        ((S,), True),
        ((AU,), True),
        ((M, L), True),  # casework roles combine
        ((O, L), True),
        ((M, O, U, L), True),
        ((A, S), False),
        ((A, AU), False),
        ((S, AU), False),
        ((A, S, AU), False),
        ((A, O), False),
        ((S, M), False),
        ((AU, L), False),
        ((AU, U), False),
    ],
)
def test_role_conflict_table(roles, allowed):
    assert (role_conflict(roles) is None) is allowed


def _roles(user):
    return set(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


# --- the service: who may assign -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("actor", "allowed"),
    [
        ("security", True),
        ("admin", False),
        ("auditor", False),
        ("office", False),
        ("leader", False),
        ("member", False),
        ("unit", False),
        ("norole", False),
    ],
)
def test_only_the_security_admin_assigns_roles(people, make_user, actor, allowed):
    target = make_user(username="target")
    if allowed:
        services.set_roles(actor=people[actor], user=target, roles=[Role.OFFICE])
        assert _roles(target) == {"office"}
    else:
        with pytest.raises(PermissionDenied):
            services.set_roles(actor=people[actor], user=target, roles=[Role.OFFICE])
        assert _roles(target) == set()


@pytest.mark.django_db
@pytest.mark.parametrize("roles", [[Role.SECURITY], [], [Role.OFFICE]])
def test_nobody_edits_their_own_roles(people, roles):
    with pytest.raises(PermissionDenied, match="自己"):
        services.set_roles(actor=people["security"], user=people["security"], roles=roles)
    assert _roles(people["security"]) == {"security"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("before", "after", "allowed"),
    [
        ([], [A], True),
        ([O], [A], True),  # replacing casework with an admin role is fine
        ([A], [S], True),
        ([M], [M, L], True),
        ([O, L], [], True),
        ([], [A, AU], False),
        ([], [S, O], False),
        ([M], [M, AU], False),
        ([], ["superuser"], False),  # not a role
    ],
)
def test_set_roles_combinations(people, make_user, before, after, allowed):
    target = make_user(*before, username="target")
    if allowed:
        services.set_roles(actor=people["security"], user=target, roles=after)
        assert _roles(target) == set(after)
    else:
        with pytest.raises(ApplicationError) as excinfo:
            services.set_roles(actor=people["security"], user=target, roles=after)
        assert excinfo.value.errors["roles"]
        assert _roles(target) == set(before)


@pytest.mark.django_db
def test_set_roles_keeps_groups_that_are_not_roles(people, make_user):
    target = make_user(Role.MEMBER, username="target")
    extra = Group.objects.create(name="提案委员会")
    target.groups.add(extra)
    services.set_roles(actor=people["security"], user=target, roles=[Role.LEADER])
    assert _roles(target) == {"leader", "提案委员会"}


@pytest.mark.django_db
def test_security_group_exists_after_migrations():
    assert Group.objects.filter(name="security").exists()


# --- the guard: any other path -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("held", "add", "allowed"),
    [
        (O, L, True),
        (O, A, False),
        (A, AU, False),
        (S, M, False),
        (AU, S, False),
        (None, A, True),
    ],
)
@pytest.mark.parametrize("path", ["user.groups.add", "group.user_set.add", "user.groups.set"])
def test_guard_on_the_groups_relation(make_user, held, add, allowed, path):
    user = make_user(*([held] if held else []), username="shell_user")
    group = Group.objects.get_or_create(name=add)[0]
    existing = list(user.groups.all())

    def act():
        if path == "user.groups.add":
            user.groups.add(group)
        elif path == "group.user_set.add":
            group.user_set.add(user)
        else:
            user.groups.set([*existing, group])

    if allowed:
        act()
        assert add in _roles(user)
    else:
        with pytest.raises(ApplicationError, match="不得兼任|不能兼任"), transaction.atomic():
            act()
        assert _roles(user) == {held}


@pytest.mark.django_db
def test_guard_checks_every_user_added_to_a_group(make_user):
    fine, clash = make_user(username="fine"), make_user(Role.OFFICE, username="clash")
    with pytest.raises(ApplicationError), transaction.atomic():
        Group.objects.get(name=Role.AUDITOR).user_set.add(fine, clash)
    assert not Group.objects.get(name=Role.AUDITOR).user_set.exists()


# --- the page ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("security", 200),
        ("admin", 403),
        ("auditor", 403),
        ("office", 403),
        ("leader", 403),
        ("member", 403),
        ("unit", 403),
        ("norole", 403),
        ("anonymous", 302),
    ],
)
def test_user_pages_are_for_the_security_admin(client_for, people, make_user, who, expected):
    target = make_user(Role.MEMBER, username="target")
    client = client_for(people.get(who))
    assert client.get(reverse("accounts:users")).status_code == expected
    assert client.get(reverse("accounts:user_roles", args=[target.pk])).status_code == expected
    response = client.post(reverse("accounts:user_roles", args=[target.pk]), {"roles": [Role.OFFICE]})
    assert response.status_code == (302 if who in ("security", "anonymous") else 403)
    assert _roles(target) == ({"office"} if who == "security" else {"member"})


@pytest.mark.django_db
def test_role_page_refuses_self_and_unknown_ids(client_for, people):
    client = client_for(people["security"])
    own = reverse("accounts:user_roles", args=[people["security"].pk])
    assert client.get(own).status_code == 403
    assert client.post(own, {"roles": []}).status_code == 403
    assert _roles(people["security"]) == {"security"}
    assert client.get(reverse("accounts:user_roles", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_role_page_shows_the_conflict_and_changes_nothing(client_for, people, make_user):
    target = make_user(Role.OFFICE, username="target")
    client = client_for(people["security"])
    response = client.post(reverse("accounts:user_roles", args=[target.pk]), {"roles": [Role.OFFICE, Role.AUDITOR]})
    assert response.status_code == 200
    assert "不得兼任业务角色" in response.content.decode()
    assert _roles(target) == {"office"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "p_lead"}, {"p_leader"}),
        ({"role": "auditor"}, {"p_auditor"}),
        ({"role": "none"}, {"p_norole"}),
        ({"q": "区教育局"}, {"p_unit"}),
        ({"q": "张明"}, {"p_member"}),
    ],
)
def test_user_list_search(client_for, people, params, expected):
    from members.models import HandlingUnit

    from ..factories import MemberFactory

    HandlingUnit.objects.create(name="区教育局").users.add(people["unit"])
    MemberFactory(user=people["member"], name="张明")
    response = client_for(people["security"]).get(reverse("accounts:users"), params)
    rows = {u.username for u in response.context["page"]}
    assert rows == expected


@pytest.mark.django_db
def test_user_list_query_count_does_not_grow(client_for, people, make_user, django_assert_max_num_queries):
    client = client_for(people["security"])
    with django_assert_max_num_queries(12):
        client.get(reverse("accounts:users"))
    for i in range(25):
        make_user(Role.MEMBER, Role.LEADER, username=f"bulk{i}")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:users"))
    assert len(response.context["page"]) == 30
    assert user_roles(people["security"]) == {"security"}
