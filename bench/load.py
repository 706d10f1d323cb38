#!/usr/bin/env python
"""Load test (issue 8, item 8): locust against gunicorn on loopback, with the benchmark data set.

    .venv/bin/python bench/load.py                          # full size: generate, then 60 s with 20 users
    .venv/bin/python bench/load.py --small                  # smoke run: 1,000 proposals, 20 s, 6 users (~2 min)
    .venv/bin/python bench/load.py --duration 120 --users 40

Without DATABASE_URL it starts a throwaway PostgreSQL (bench/pgcluster.py) and generates the data
(bench/generate.py); with DATABASE_URL it generates into that database, which must be empty, or
with --reuse tests the data already there (e.g. a cluster kept up by `bench/pgcluster.py`). Then:
migrate, accounts for the four roles with a random password and an API token,
gunicorn on 127.0.0.1 (a free port, DEBUG=false, plain HTTP), a short warm-up, and the measured
locust run (headless, bounded). Prints and writes throughput, p50/p95/p99 per endpoint and in
total and the errors; exits non-zero if any request failed. Everything it started is stopped at
exit, Ctrl-C and SIGTERM included. See bench/README.md, "Load test".
"""

import argparse
import csv
import datetime as dt
import hashlib
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(BENCH_DIR))

import pgcluster  # noqa: E402
import run as bench  # noqa: E402  (setup_django, machine, dataset: the same settings as the benchmark)
from generate import FULL, SMALL  # noqa: E402

ACCOUNTS_PER_ROLE = 4
IDS_PER_ACCOUNT = 200


def log(*args):
    print(*args, flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the processes this script starts, stopped whatever happens ------------------------------------


class Processes:
    """Children started in their own process group, so that gunicorn's workers and locust go too."""

    def __init__(self):
        self.running: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, cmd: list[str], **kwargs) -> subprocess.Popen:
        proc = subprocess.Popen(cmd, start_new_session=True, **kwargs)
        self.running.append((name, proc))
        return proc

    def stop(self, proc: subprocess.Popen, timeout: float = 20):
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=timeout)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.running = [(n, p) for n, p in self.running if p is not proc]

    def stop_all(self):
        for _, proc in reversed(list(self.running)):
            self.stop(proc)


# --- preparing the database ------------------------------------------------------------------------


def prepare_plan(*, year: int, seed: int) -> dict:
    """Accounts for the four roles (one random password, a token each) and what each may open.

    Office and leader accounts are created for the test (`load_office_1` …); unit and member
    accounts must be the existing ones, since a unit's inbox and a member's own proposals hang on
    them: the units with the most proposals in hand, the members with the most proposals.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.contrib.auth.password_validation import password_changed
    from django.db.models import Count

    from accounts.tokens import token_issue
    from cppcc.roles import Role
    from demo.proposals import TOPICS
    from members.models import HandlingUnit
    from proposals import selectors
    from proposals.models import Assignment, Proposal, ProposalCategory, State

    rng = random.Random(seed)
    User = get_user_model()
    password = secrets.token_urlsafe(18)
    password_hash = make_password(password)

    users: dict[str, list] = {}
    for role in (Role.OFFICE, Role.LEADER):
        group = Group.objects.get(name=role)
        users[role] = []
        for i in range(1, ACCOUNTS_PER_ROLE + 1):
            user, _ = User.objects.get_or_create(username=f"load_{role}_{i}", defaults={"first_name": f"压测{i}"})
            user.groups.add(group)
            users[role].append(user)
    busiest_units = (
        Assignment.objects.filter(is_active=True, proposal__state__in=selectors.OPEN_STATES)
        .values("unit")
        .annotate(n=Count("id"))
        .order_by("-n", "unit")
        .values_list("unit", flat=True)
    )
    users[Role.UNIT] = []
    for unit in HandlingUnit.objects.filter(pk__in=list(busiest_units[: ACCOUNTS_PER_ROLE * 2])):
        user = unit.users.filter(groups__name=Role.UNIT, is_active=True).order_by("id").first()
        if user and len(users[Role.UNIT]) < ACCOUNTS_PER_ROLE:
            users[Role.UNIT].append(user)
    active_members = (
        Proposal.objects.filter(lead_proposer__user__isnull=False, lead_proposer__user__is_active=True)
        .values("lead_proposer__user")
        .annotate(n=Count("id"))
        .order_by("-n", "lead_proposer__user")
        .values_list("lead_proposer__user", flat=True)[:ACCOUNTS_PER_ROLE]
    )
    users[Role.MEMBER] = list(User.objects.filter(pk__in=list(active_members), groups__name=Role.MEMBER))
    for role, accounts in users.items():
        if not accounts:
            raise SystemExit(f"no {role} account in this database: was it generated by bench/generate.py?")

    everyone = [u for accounts in users.values() for u in accounts]
    User.objects.filter(pk__in=[u.pk for u in everyone]).update(password=password_hash, is_active=True)
    # Hashed once for all (hashing is deliberately slow); Django's hook tells the password validators,
    # as set_password() + save() would, so the password-age rules see a password set today.
    for user in everyone:
        password_changed(password, user)
    # django-axes must not remember an earlier run's failures for these names.
    from axes.models import AccessAttempt

    AccessAttempt.objects.filter(username__in=[u.username for u in everyone]).delete()

    def sample(user, own_only=False) -> list[int]:
        ids = list(selectors.proposal_list(user=user, own_only=own_only).order_by().values_list("pk", flat=True))
        return sorted(rng.sample(ids, min(IDS_PER_ACCOUNT, len(ids))))

    shared = sample(users[Role.OFFICE][0])  # office and leaders see the same proposals
    plan_accounts = {}
    for role, accounts in users.items():
        plan_accounts[role] = []
        for user in accounts:
            entry = {"username": user.username, "token": token_issue(user=user)[1]}
            if role in (Role.UNIT, Role.MEMBER):
                entry["proposal_ids"] = sample(user, own_only=role == Role.MEMBER)
            else:
                entry["proposal_ids"] = shared
            plan_accounts[role].append(entry)

    this_year = dt.date.today().year
    years = sorted({d.year for d in Proposal.objects.filter(submitted_at__isnull=False).dates("submitted_at", "year")})
    keywords = sorted({title.removeprefix("关于")[:4] for titles in TOPICS.values() for title in titles})
    return {
        "password": password,
        "accounts": {str(role): entries for role, entries in plan_accounts.items()},
        "states": [State.CLOSED, State.HANDLING, State.ASSIGNED, State.REPLIED, State.FILED, State.NOT_FILED],
        "categories": list(ProposalCategory.objects.values_list("pk", flat=True)),
        "years": years[-5:] or [this_year],
        "report_years": sorted({year, this_year}),
        "keywords": keywords[:20],
    }


# --- gunicorn and locust ---------------------------------------------------------------------------


def application():
    """gunicorn's app factory (`load:application()`): the project's WSGI application, with the one
    override the benchmark makes (bench/run.py `setup_django`): static files from plain
    StaticFilesStorage, not the production manifest, so that no compressing collectstatic has to
    run first. Nothing measured here is a static file."""
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.test.utils import override_settings

    app = get_wsgi_application()
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    return app


def wait_ready(url: str, proc: subprocess.Popen, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode} before answering")
        try:
            with urllib.request.urlopen(url + "/accounts/login/", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer within {timeout:.0f} s")


def cpu_snapshot(gunicorn: subprocess.Popen) -> dict[str, dict[int, float]]:
    """CPU seconds (user + system) so far of gunicorn's processes and of the database backends
    serving them. On a shared machine the wall-clock figures carry everyone else's load; the CPU
    the server itself spent per request does not."""
    import psutil  # comes with locust
    from django.db import connection

    def cpu(pids) -> dict[int, float]:
        out = {}
        for pid in pids:
            try:
                times = psutil.Process(pid).cpu_times()
                out[pid] = times.user + times.system
            except psutil.Error:
                pass
        return out

    try:
        master = psutil.Process(gunicorn.pid)
        web = [master.pid] + [child.pid for child in master.children(recursive=True)]
    except psutil.Error:
        web = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        backends = [row[0] for row in cursor.fetchall()]
    connection.close()
    return {"gunicorn": cpu(web), "postgresql": cpu(backends)}


def cpu_spent(before: dict, after: dict) -> dict[str, float | None]:
    """Seconds spent between two snapshots; None where the processes could not be read (another
    machine's database, or a database server running as another user without root)."""
    spent = {}
    for name, now in after.items():
        spent[name] = sum(t - before[name].get(pid, 0.0) for pid, t in now.items()) if now else None
    return spent


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def form_login(host: str, username: str, password: str) -> tuple[str, float]:
    """Log in through the login page as a browser does; returns the session cookie and the POST's ms."""
    import http.cookiejar
    import re

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    with opener.open(host + "/accounts/login/", timeout=60) as response:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode())
    if not match:
        raise SystemExit("the login page carries no CSRF token")
    body = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": match[1]})
    started = time.perf_counter()
    try:
        opener.open(host + "/accounts/login/", data=body.encode(), timeout=120)
        status, location = 200, ""
    except urllib.error.HTTPError as exc:
        status, location = exc.code, exc.headers.get("Location", "")
    ms = (time.perf_counter() - started) * 1000
    if status != 302 or "/accounts/login" in location:
        raise SystemExit(f"login as {username} through the form failed: HTTP {status} → {location or 'no redirect'}")
    from django.conf import settings

    session = next((c.value for c in jar if c.name == settings.SESSION_COOKIE_NAME), None)
    if not session:
        raise SystemExit(f"login as {username}: no session cookie")
    return session, ms


def run_locust(procs, *, host, users, spawn_rate, seconds, prefix, env, html=True) -> int:
    cmd = [
        sys.executable, "-m", "locust",
        "-f", str(BENCH_DIR / "locustfile.py"),
        "--headless",
        "-u", str(users),
        "-r", str(spawn_rate),
        "--run-time", f"{seconds}s",
        # Let a user finish the request in flight at the end, rather than cut it off uncounted.
        "--stop-timeout", "60",
        "--host", host,
        "--csv", str(prefix),
        "--only-summary",
        "--loglevel", "WARNING",
    ]  # fmt: skip
    if html:
        cmd += ["--html", f"{prefix}.html"]
    with open(f"{prefix}.log", "w") as output:
        proc = procs.start("locust", cmd, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            code = proc.wait(timeout=seconds + 180)
        except subprocess.TimeoutExpired:
            raise SystemExit("locust did not finish in time") from None
        finally:
            procs.stop(proc)
    if code not in (0, 1):  # 1: some requests failed, which the statistics show
        log(Path(f"{prefix}.log").read_text(errors="replace")[-3000:])
        raise SystemExit(f"locust exited with {code}")
    return code


def read_stats(prefix: Path) -> dict:
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv", encoding="utf-8")))
    failures = list(csv.DictReader(open(f"{prefix}_failures.csv", encoding="utf-8")))

    def number(value):
        try:
            return float(value)
        except (TypeError, ValueError):
            return None

    endpoints, total = [], None
    for row in rows:
        entry = {
            "method": row["Type"],
            "name": row["Name"],
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": number(row["Requests/s"]),
            "p50": number(row["50%"]),
            "p95": number(row["95%"]),
            "p99": number(row["99%"]),
            "max": number(row["Max Response Time"]),
            "avg": number(row["Average Response Time"]),
            "avg_bytes": number(row["Average Content Size"]),
        }
        if row["Name"] == "Aggregated":
            total = entry
        else:
            endpoints.append(entry)
    return {
        "endpoints": endpoints,
        "total": total,
        "failures": [
            {"method": f["Method"], "name": f["Name"], "error": f["Error"], "count": int(f["Occurrences"])}
            for f in failures
        ],
    }


def fmt(value, unit=" ms") -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}{unit}"


def table(stats: dict) -> str:
    lines = [
        "| endpoint | requests | errors | req/s | p50 | p95 | p99 | max |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for e in sorted(stats["endpoints"], key=lambda e: -(e["p95"] or 0)):
        lines.append(
            f"| {e['method']} {e['name']} | {e['requests']:,} | {e['failures']} | {e['rps']:.2f} | "
            f"{fmt(e['p50'])} | {fmt(e['p95'])} | {fmt(e['p99'])} | {fmt(e['max'])} |"
        )
    t = stats["total"]
    lines.append(
        f"| **total** | **{t['requests']:,}** | **{t['failures']}** | **{t['rps']:.2f}** | "
        f"{fmt(t['p50'])} | **{fmt(t['p95'])}** | {fmt(t['p99'])} | {fmt(t['max'])} |"
    )
    return "\n".join(lines)


# --- main ------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true", help="smoke run: 1,000 proposals, 20 s, 6 users")
    parser.add_argument("--duration", type=int, help="seconds of measured load (default 60; --small 20)")
    parser.add_argument("--users", type=int, help="simulated users (default 20; --small 6)")
    parser.add_argument("--spawn-rate", type=float, help="users started per second (default: all in the first second)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default 2 × cores + 1)")
    parser.add_argument("--think", default="0.5,2", help="think time between a user's requests, MIN,MAX seconds")
    parser.add_argument("--warmup", type=int, help="unmeasured warm-up, s (default 10; --small 5; 0: none)")
    parser.add_argument(
        "--login-during-load",
        action="store_true",
        help="every simulated user logs in through the form at its start, measured (default: one session per "
        "account opened before the load)",
    )
    parser.add_argument("--reuse", action="store_true", help="test the data already in DATABASE_URL")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--out", help="results directory (default var/bench-load/<UTC time>/): summary.json, summary.md, CSV, HTML"
    )
    args = parser.parse_args(argv)
    args.duration = args.duration or (20 if args.small else 60)
    args.users = args.users or (6 if args.small else 20)
    args.spawn_rate = args.spawn_rate or args.users
    args.workers = args.workers or 2 * (os.cpu_count() or 1) + 1
    args.warmup = (5 if args.small else 10) if args.warmup is None else args.warmup
    think = tuple(float(x) for x in args.think.split(","))
    if len(think) != 2 or think[0] > think[1] or think[0] < 0:
        parser.error("--think MIN,MAX, e.g. 0.5,2")
    if args.workers > 15:
        parser.error("--workers: at most 15 (the throwaway cluster allows 20 connections)")
    scale = SMALL if args.small else FULL
    year = dt.date.today().year - 1

    database_url = os.environ.get("DATABASE_URL")
    if args.reuse and not database_url:
        parser.error("--reuse needs DATABASE_URL")
    out = Path(args.out or REPO / "var" / "bench-load" / dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ"))
    out.mkdir(parents=True, exist_ok=True)

    procs = Processes()
    cluster = None if database_url else pgcluster.Cluster(log=log)
    var_dir = tempfile.mkdtemp(prefix="cppcc-load-var.")
    plan_path = Path(var_dir) / "plan.json"  # holds the run's password and tokens: removed at exit

    def cleanup():
        procs.stop_all()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 — Django may not be set up yet
            pass
        if cluster:
            cluster.stop()
        shutil.rmtree(var_dir, ignore_errors=True)

    pgcluster.install_exit_handlers(cleanup)
    try:
        if cluster:
            database_url = cluster.start()
        if not os.environ.get("SECRET_KEY"):
            # Personal data is stored encrypted with keys derived from SECRET_KEY (cppcc/crypto.py,
            # unless FIELD_ENCRYPTION_KEYS is set), so a database reused later must see the same key:
            # one derived from its URL (which holds the throwaway cluster's random password).
            os.environ["SECRET_KEY"] = hashlib.sha256(f"cppcc-bench-load|{database_url}".encode()).hexdigest()
        bench.setup_django(database_url, var_dir)
        from django.core.management import call_command
        from django.db import connections
        from generate import prepare_database

        prepare_database(scale, seed=args.seed, reuse=args.reuse, log=log)

        started = time.perf_counter()
        plan = prepare_plan(year=year, seed=args.seed)
        plan_path.write_text(json.dumps(plan, ensure_ascii=False))  # rewritten with the sessions below
        log(
            "==> accounts: "
            + "; ".join(f"{role} {', '.join(a['username'] for a in accs)}" for role, accs in plan["accounts"].items())
            + f" (random password, API tokens; {time.perf_counter() - started:.1f} s)"
        )
        info = {"machine": bench.machine(), "dataset": bench.dataset(year)}

        env = os.environ.copy()  # DATABASE_URL, DEBUG=false, plain HTTP …, as bench.setup_django set them
        env["LOAD_PLAN"] = str(plan_path)
        env["LOAD_THINK"] = f"{think[0]},{think[1]}"
        if args.login_during_load:
            env["LOAD_LOGIN"] = "during-load"
        call_command("collectstatic", interactive=False, verbosity=0)  # a plain copy, see application()
        connections.close_all()

        server_log = open(out / "gunicorn.log", "w")  # noqa: SIM115 — open while gunicorn runs
        port = free_port()
        host = f"http://127.0.0.1:{port}"
        gunicorn = procs.start(
            "gunicorn",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "load:application()",
                "--pythonpath",
                str(BENCH_DIR),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--timeout",
                "120",
                "--error-logfile",
                "-",
                "--log-level",
                "warning",
            ],  # fmt: skip
            cwd=REPO,
            env=env,
            # gunicorn's own log and Django's (errors with their tracebacks) in one file.
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        wait_ready(host, gunicorn)
        log(f"==> gunicorn on {host}: {args.workers} workers (sync), DEBUG=false, plain HTTP")

        login_ms = []
        if not args.login_during_load:
            from django.conf import settings

            accounts = [account for entries in plan["accounts"].values() for account in entries]
            # As many at a time as there are cores: the server's time goes to hashing the password.
            with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
                logins = list(pool.map(lambda a: form_login(host, a["username"], plan["password"]), accounts))
            for account, (session, ms) in zip(accounts, logins, strict=True):
                account["session"] = session
                login_ms.append(ms)
            plan["session_cookie"] = settings.SESSION_COOKIE_NAME
            plan_path.write_text(json.dumps(plan, ensure_ascii=False))
            log(
                f"==> {len(login_ms)} sessions opened through the login form, {os.cpu_count()} at a time: POST "
                f"median {statistics.median(login_ms):,.0f} ms, max {max(login_ms):,.0f} ms (PBKDF2 hashing)"
            )

        if args.warmup:
            log(f"==> warm-up: {args.warmup} s, {args.users} users (not measured)")
            code = run_locust(
                procs,
                host=host,
                users=args.users,
                spawn_rate=args.spawn_rate,
                seconds=args.warmup,
                prefix=Path(var_dir) / "warmup",
                env=env,
                html=False,
            )
            warm = read_stats(Path(var_dir) / "warmup")
            if code != 0 or warm["total"]["failures"]:
                log(table(warm))
                for f in warm["failures"]:
                    log(f"    ✗ {f['count']}× {f['method']} {f['name']}: {f['error']}")
                raise SystemExit("errors during the warm-up: stopping before the measured run")

        load_before = os.getloadavg()
        log(
            f"==> load: {args.users} users (spawn rate {args.spawn_rate:g}/s), {args.duration} s, "
            f"think time {think[0]:g}–{think[1]:g} s; load average {load_before[0]:.2f}"
        )
        cpu_before = cpu_snapshot(gunicorn)
        started = time.perf_counter()
        code = run_locust(
            procs,
            host=host,
            users=args.users,
            spawn_rate=args.spawn_rate,
            seconds=args.duration,
            prefix=out / "locust",
            env=env,
        )
        wall = time.perf_counter() - started
        load_after = os.getloadavg()
        cpu = cpu_spent(cpu_before, cpu_snapshot(gunicorn))
        procs.stop(gunicorn)
        server_log.close()
        stats = read_stats(out / "locust")
        total = stats["total"]
        errors = total["failures"] if total else 0
        server_errors = sum(
            1 for line in (out / "gunicorn.log").read_text(errors="replace").splitlines() if "Traceback" in line
        )

        mach, data = info["machine"], info["dataset"]
        header = (
            f"{mach['cpu']}, {mach['cores']} cores, {mach['ram_gb']} GB RAM; PostgreSQL {mach['postgresql']}; "
            f"Python {mach['python']}, Django {mach['django']}; gunicorn {args.workers} sync workers; "
            f"{args.users} users, {args.duration} s, think {think[0]:g}–{think[1]:g} s; "
            f"{data['counts']['proposals']:,} proposals, {data['counts']['members']:,} members, "
            f"{data['counts']['activities']:,} activities ({data['db_size']}); "
            f"load average {load_before[0]:.2f} → {load_after[0]:.2f}"
        )
        cpu_line = ""
        if total and total["requests"]:
            parts = [
                f"{name} {seconds:.1f} s ({seconds * 1000 / total['requests']:.0f} ms a request)"
                for name, seconds in cpu.items()
                if seconds is not None
            ]
            cpu_line = f"server CPU during the {args.duration} s: " + ", ".join(parts) if parts else ""
            if all(v is not None for v in cpu.values()) and sum(cpu.values()):
                per_request = sum(cpu.values()) / total["requests"]
                cpu_line += (
                    f"; with the {mach['cores']} cores to itself the server would do about "
                    f"{mach['cores'] / per_request:.1f} req/s of this mix"
                )
        md = table(stats) if total else "(no requests)"
        if cpu_line:
            md += "\n\n" + cpu_line
        log("\n" + header + "\n\n" + md)
        for f in stats["failures"]:
            log(f"    ✗ {f['count']}× {f['method']} {f['name']}: {f['error']}")
        if total:
            log(
                f"\n==> {total['requests']:,} requests in {args.duration} s: {total['rps']:.1f} req/s, "
                f"p50 {fmt(total['p50'])}, p95 {fmt(total['p95'])}, p99 {fmt(total['p99'])}; "
                f"errors {errors}; server tracebacks {server_errors}"
            )
        summary = {
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "options": {
                "small": args.small,
                "users": args.users,
                "spawn_rate": args.spawn_rate,
                "duration_s": args.duration,
                "warmup_s": args.warmup,
                "think_s": think,
                "workers": args.workers,
                "login_during_load": args.login_during_load,
            },
            "form_logins_before_load_ms": login_ms,
            **info,
            "load_average": {"before": load_before, "after": load_after},
            "wall_s": wall,
            "locust_exit_code": code,
            "server_tracebacks": server_errors,
            "server_cpu_s": cpu,
            **stats,
        }
        (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str, ensure_ascii=False))
        (out / "summary.md").write_text(header + "\n\n" + md + "\n")
        log(f"==> results in {out}/ (summary.json, summary.md, locust_*.csv, locust.html, locust.log, gunicorn.log)")
        if not total or total["requests"] == 0:
            log("FAILED: no requests were made")
            return 1
        if errors or code != 0 or server_errors:
            log(f"FAILED: {errors} error responses (locust exit code {code}, {server_errors} server tracebacks)")
            return 1
        return 0
    finally:
        cleanup()


if __name__ == "__main__":
    sys.exit(main())
