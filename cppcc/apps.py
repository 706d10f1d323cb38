from django.apps import AppConfig


class CppccConfig(AppConfig):
    name = "cppcc"
    verbose_name = "系统"
