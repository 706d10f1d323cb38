"""The services check the role themselves: a write that bypasses the API and the pages is refused too."""

import pytest

from cppcc.errors import PermissionDenied
from members import services
from members.models import Member, Sector
from members.serializers import SectorSerializer

from .conftest import make_id


@pytest.mark.parametrize("role", ["member", "unit", "leader", "admin", "auditor"])
def test_services_refuse_everyone_but_the_office(users, ref, target, role):
    actor = users[role]
    data = {"name": "孙新", "id_number": make_id(201), "sector": ref.economy, "party": ref.cpc}
    with pytest.raises(PermissionDenied):
        services.member_create(actor=actor, data=data)
    with pytest.raises(PermissionDenied):
        services.member_update(actor=actor, member=target, data={"title": "院长"})
    serializer = SectorSerializer(data={"name": "新界别"})
    assert serializer.is_valid()
    with pytest.raises(PermissionDenied):
        services.reference_save(actor=actor, serializer=serializer)

    assert not Member.objects.filter(name="孙新").exists()
    target.refresh_from_db()
    assert target.title != "院长"
    assert not Sector.objects.filter(name="新界别").exists()


def test_services_let_the_office_write(users, ref, target):
    office = users["office"]
    member = services.member_create(
        actor=office, data={"name": "孙新", "id_number": make_id(201), "sector": ref.economy, "party": ref.cpc,
                            "committees": [ref.committee]},
    )  # fmt: skip
    assert (member.gender, list(member.committees.all())) == ("M", [ref.committee])
    services.member_update(actor=office, member=target, data={"title": "院长", "terms": [ref.term]})
    target.refresh_from_db()
    assert (target.title, list(target.terms.all())) == ("院长", [ref.term])
