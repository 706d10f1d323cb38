"""Every read of the members registry goes through here: scoping by role and field visibility."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from cppcc.roles import CASEWORK_ROLES, Role, has_role
from cppcc.svc_selectors import filtered, get_or_404

from . import idcard
from .models import HandlingUnit, Member

READ_ROLES = tuple(CASEWORK_ROLES)
WRITE_ROLES = (Role.OFFICE,)


@dataclass(frozen=True)
class MemberPolicy:
    """What one user may see of one member record."""

    private: bool  # birth date, ID number, phone, note, login account
    id_full: bool
    phone_full: bool

    def id_number(self, member: Member) -> str | None:
        if not self.private:
            return None
        return member.id_number or "" if self.id_full else member.id_number_masked

    def phone(self, member: Member) -> str | None:
        if not self.private:
            return None
        return member.phone if self.phone_full else member.phone_masked

    # The masked ID number (110105********1234) hides exactly the 8 birth digits: a full birth date
    # beside it would give the number back. Whoever may not see the full number gets the year only.
    def birth_date(self, member: Member):
        """The full date (a `date`) for a role that sees the full ID number, else None."""
        return member.birth_date if self.private and self.id_full else None

    def birth_year(self, member: Member) -> int | None:
        return member.birth_date.year if self.private and member.birth_date else None

    def birth_display(self, member: Member) -> str:
        """出生日期 as pages and exports write it: `1975-03-14` in full, `1975年` masked, "" hidden."""
        if self.birth_date(member):
            return member.birth_date.isoformat()
        year = self.birth_year(member)
        return f"{year}年" if year else ""


FULL = MemberPolicy(private=True, id_full=True, phone_full=True)
SELF = MemberPolicy(private=True, id_full=False, phone_full=True)
MASKED = MemberPolicy(private=True, id_full=False, phone_full=False)
PUBLIC = MemberPolicy(private=False, id_full=False, phone_full=False)


def phone_for(*, user, phone: str, own: bool = False) -> str:
    """A phone number outside the member registry (a proposal's contact, a unit's contact) as `user`
    may read it, by the registry's rule for a mobile: in full to the office and to the person it
    belongs to (`own`), masked (139****5678) to everyone else who sees the record."""
    if not phone:
        return ""
    return phone if own or has_role(user, Role.OFFICE) else idcard.mask_phone(phone)


def member_policy(*, user, member: Member) -> MemberPolicy:
    """Office staff see everything; leaders see all fields masked; a member sees their own record
    with the ID number masked; everyone else sees the public fields only. Whoever sees the ID number
    masked sees the birth year, never the month and day (see `MemberPolicy.birth_date`)."""
    if has_role(user, Role.OFFICE):
        return FULL
    if member.user_id is not None and member.user_id == user.pk:
        return SELF
    if has_role(user, Role.LEADER):
        return MASKED
    return PUBLIC


def _visible_members(user) -> QuerySet[Member]:
    if has_role(user, Role.OFFICE, Role.LEADER):
        return Member.objects.all()
    if has_role(user, Role.MEMBER, Role.UNIT):
        # Former members' records are the office's business; a member always sees their own.
        return Member.objects.filter(Q(status=Member.Status.ACTIVE) | Q(user=user))
    return Member.objects.none()


def member_list(*, user, filters: dict | None = None, order: str | None = None) -> QuerySet[Member]:
    from .filters import MemberFilterSet

    qs = _visible_members(user).select_related("sector", "party", "group").prefetch_related("committees", "terms")
    return filtered(qs, MemberFilterSet, filters)


def member_get(*, user, pk) -> Member:
    return get_or_404(member_list(user=user), "未找到该委员。", pk=pk)


def active_members() -> QuerySet[Member]:
    """Members in office, in pinyin order: the choices of author, proposer and co-signer fields."""
    return Member.objects.filter(status=Member.Status.ACTIVE).select_related("sector").order_by("name_pinyin", "id")


def member_for_user(user) -> Member | None:
    if not user.is_authenticated:
        return None
    return Member.objects.filter(user=user).first()


def units_of_user(user) -> QuerySet[HandlingUnit]:
    return HandlingUnit.objects.filter(users=user)


def user_unit_ids(user) -> set[int]:
    """The ids of the units the user works for, read once per user object (a request's user): the
    lifecycles' "unit" scopes ask it for every action of a page."""
    cached = getattr(user, "_cppcc_unit_ids", None)
    if cached is None:
        cached = set(HandlingUnit.objects.filter(users=user).values_list("pk", flat=True))
        user._cppcc_unit_ids = cached
    return cached


def id_number_owner(id_number: str) -> Member | None:
    """The member registered with this ID number, found through its keyed hash (the column is encrypted)."""
    if not idcard.normalize(id_number):
        return None
    return Member.objects.filter(id_number_hash=Member.id_number_hash_of(id_number)).first()
