from django.apps import AppConfig


class CppccConfig(AppConfig):
    name = "cppcc"
    verbose_name = "系统"

    def ready(self):
        from django.core.servers import basehttp

        from . import checks  # noqa: F401  (registers the database durability check)

        # `manage.py runserver` (`make run`) names no server software either
        # (wsgiref writes `Server:` only when this is set); gunicorn's is removed in gunicorn.conf.py.
        basehttp.ServerHandler.server_software = ""
