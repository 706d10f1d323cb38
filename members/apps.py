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
