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
            models.HandlingUnit,
            models.Activity,
            models.Attendance,
            models.Regulation,
            models.AssessmentScheme,
            models.AssessmentCategory,
            models.AssessmentRule,
            models.AssessmentManualItem,
            models.AssessmentAward,
        ):
            auditlog.register(model)
        # The change log says that an ID or phone number changed, never what it was or became; the
        # lookup hash stays out of it altogether.
        auditlog.register(
            models.Member,
            m2m_fields={"committees", "terms"},
            mask_fields=["id_number", "phone"],
            mask_callable="cppcc.crypto.mask_all",
            exclude_fields=["id_number_hash"],
        )
