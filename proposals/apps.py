from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = "提案"

    def ready(self):
        # Registers the proposal counting sources with the performance assessment engine.
        from . import assessment  # noqa: F401
