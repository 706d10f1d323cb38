from django.apps import AppConfig


class CppccConfig(AppConfig):
    name = "cppcc"
    verbose_name = "系统"

    def ready(self):
        from . import checks  # noqa: F401  (registers the database durability check)
