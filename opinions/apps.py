from django.apps import AppConfig


class OpinionsConfig(AppConfig):
    name = "opinions"
    verbose_name = "社情民意"

    def ready(self):
        from cppcc.lifecycle import event_recorded

        # Registers the social-opinion counting sources with the performance assessment engine.
        from . import assessment  # noqa: F401
        from .receivers import on_event_recorded

        # A proposal converted in review (转社情民意) becomes a report in the same transaction.
        event_recorded.connect(on_event_recorded, dispatch_uid="opinions.proposal_converted")
