"""gunicorn settings for production (the Dockerfile and docker-compose.yml pass `--config gunicorn.conf.py`;
gunicorn also reads this file by itself when started from the project directory).

gunicorn writes `Server: gunicorn` into every response before the application's headers, so no
Django middleware can remove it; its response class is narrowed here to leave that line out, so that
the answer does not name the server software to whoever asks (issue 12).
"""

from gunicorn.http import wsgi


class _AnonymousResponse(wsgi.Response):
    def default_headers(self):
        return [line for line in super().default_headers() if not line.lower().startswith("server:")]


wsgi.Response = _AnonymousResponse
