from django.apps import AppConfig


class OpinionsConfig(AppConfig):
    name = "opinions"
    verbose_name = "社情民意"

    def ready(self):
        # Registers the social-opinion counting sources with the performance assessment engine.
        from . import assessment  # noqa: F401
