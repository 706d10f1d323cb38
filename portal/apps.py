from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The site's front: the root URLconf that composes every app's pages and API, and the home page."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = "门户"
