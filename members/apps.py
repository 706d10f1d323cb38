from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "委员管理"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for model in (
            models.Term,
            models.Session,
            models.Sector,
            models.Party,
            models.SpecialCommittee,
            models.MemberGroup,
        ):
            auditlog.register(model)
        # The change log says that an ID or phone number changed, never what it was or became; the
        # lookup hash stays out of it altogether. The birth date and the note are private too (the
        # auditor reads this log and sees no member's personal data), and so is a unit's contact phone.
        auditlog.register(models.HandlingUnit, mask_fields=["contact_phone"], mask_callable="cppcc.crypto.mask_all")
        auditlog.register(
            models.Member,
            m2m_fields={"committees", "terms"},
            mask_fields=["id_number", "phone", "birth_date", "note"],
            mask_callable="cppcc.crypto.mask_all",
            exclude_fields=["id_number_hash"],
        )
        # A member's own mobile number receives the SMS notices they chose, unless they entered another.
        from notifications.channels import register_mobile_source

        register_mobile_source(member_mobiles)


def member_mobiles(users) -> dict:
    """{user pk: phone} of the members linked to `users` (one query)."""
    from .models import Member

    rows = Member.objects.filter(user__in=[u.pk for u in users]).only("user_id", "phone")
    return {m.user_id: m.phone for m in rows if m.phone}
