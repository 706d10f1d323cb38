"""Container health checks (docker-compose.yml): `python scripts/healthcheck.py web|worker`.

web: the login page answers 200 through gunicorn and Django (as if through the HTTPS proxy, so that
     SECURE_SSL_REDIRECT does not answer with a redirect).
worker: this container's Celery worker answers a ping over the broker.
Exit 0 healthy, 1 not.
"""

import os
import socket
import subprocess
import sys
import urllib.request


def web() -> bool:
    hosts = [h.strip().lstrip(".") for h in os.environ.get("ALLOWED_HOSTS", "").split(",")]
    host = next((h for h in hosts if h and h != "*"), "localhost")
    request = urllib.request.Request(
        "http://127.0.0.1:8000/accounts/login/", headers={"Host": host, "X-Forwarded-Proto": "https"}
    )
    # The URL is the fixed literal above (http://127.0.0.1), never taken from input.
    with urllib.request.urlopen(request, timeout=8) as response:  # nosec B310
        return response.status == 200


def worker() -> bool:
    result = subprocess.run(
        ["celery", "-A", "cppcc", "inspect", "ping", "--timeout", "10", "-d", f"celery@{socket.gethostname()}"],
        capture_output=True,
        timeout=18,
    )
    return result.returncode == 0


if __name__ == "__main__":
    try:
        healthy = {"web": web, "worker": worker}[sys.argv[1]]()
    except Exception as exc:  # any failure is "unhealthy"; the reason goes to `docker inspect`
        print(f"unhealthy: {exc}", file=sys.stderr)
        healthy = False
    sys.exit(0 if healthy else 1)
