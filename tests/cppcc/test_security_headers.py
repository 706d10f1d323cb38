"""Response headers every page and API answer carries (issue 12): a Content-Security-Policy that
lets only this site's script files run, a Permissions-Policy, no `Server` header (also from gunicorn
as the production command runs it); and no template carries inline script or on…= handlers, so the
policy never has to be loosened for them."""

import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _directives(policy: str) -> dict:
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize(
    "url, who",
    [
        ("/accounts/login/", None),
        ("/", "office"),
        ("/reports/dashboard/", "leader"),
        ("/api/v1/", "office"),
        ("/api/docs/", "office"),
        ("/no-such-page/", "office"),
    ],
)
def test_every_answer_carries_the_policies_and_names_no_server(client, make_user, url, who):
    if who:
        client.force_login(make_user(who))
    response = client.get(url)
    policy = _directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert not any("http" in source or source == "*" for sources in policy.values() for source in sources)
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions
    assert "Server" not in response.headers


def _templates():
    dirs = [ROOT / "templates", *ROOT.glob("*/templates")]
    return sorted(p for d in dirs for p in d.rglob("*.html") if ".venv" not in p.parts)


def test_no_template_has_inline_script_or_event_handlers():
    assert len(_templates()) > 50
    inline, handlers = [], []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text, flags=re.IGNORECASE):
            if "src=" not in tag and 'type="application/json"' not in tag:
                inline.append(f"{path.relative_to(ROOT)}: {tag}")
        handlers += [f"{path.relative_to(ROOT)}: {m}" for m in re.findall(r"\son[a-z]+\s*=", text, re.IGNORECASE)]
        handlers += [f"{path.relative_to(ROOT)}: javascript:" for _ in re.findall(r"javascript:", text, re.IGNORECASE)]
    assert inline == []
    assert handlers == []


def test_the_production_commands_use_the_gunicorn_config():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    command = compose["services"]["web"]["command"]
    assert command[command.index("--config") + 1] == "gunicorn.conf.py"
    assert '"--config", "gunicorn.conf.py"' in (ROOT / "Dockerfile").read_text()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.xdist_group("servers")  # see pyproject [tool.pytest] markers
def test_gunicorn_with_the_production_config_sends_no_server_header(tmp_path):
    (tmp_path / "hello.py").write_text(
        "def app(environ, start_response):\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "    return [b'ok']\n"
    )
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--chdir", str(tmp_path), "hello:app"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    headers = response.headers
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(10)
    assert headers["Date"] and "Server" not in headers


def test_runserver_sends_no_server_header():
    """`manage.py runserver` (`make run`) answers through Django's wsgiref server."""
    import threading

    from django.core.servers import basehttp

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    server = basehttp.WSGIServer(("127.0.0.1", 0), basehttp.WSGIRequestHandler)
    server.set_app(app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_address[1]}/", timeout=5) as response:
            headers = response.headers
    finally:
        server.shutdown()
        server.server_close()
    assert headers["Date"] and "Server" not in headers
