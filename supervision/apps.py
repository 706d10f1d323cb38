from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "视察调研与民主监督"

    def ready(self):
        # Registers the social-opinion counting sources with the performance assessment engine.
        from . import opinion_assessment  # noqa: F401
