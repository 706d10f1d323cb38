#!/usr/bin/env python
"""Benchmark of the casework system on a large history (issue 7, part 5). See bench/README.md.

    .venv/bin/python bench/run.py            # full size: 100,000 proposals, 2,000 members, 20,000 activities
    .venv/bin/python bench/run.py --small    # smoke run: 1,000 proposals (about a minute)

Without DATABASE_URL it starts a throwaway PostgreSQL (temp dir, loopback, free port) and removes
it at exit; with DATABASE_URL it uses that database, which must be empty (or pass --reuse to
measure data an earlier `--keep` run left there).
"""

import argparse
import datetime as dt
import importlib
import importlib.util
import inspect
import json
import math
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(BENCH_DIR))

import pgcluster  # noqa: E402
from generate import FULL, SMALL, Scale  # noqa: E402

# The migration holding the indexes this benchmark asked for. `--compare-indexes` drops them for a
# first pass and puts them back for the second, to show what they buy.
BENCH_FIELD_KEY = "Y3BwY2MtYmVuY2gtZmllbGQtZW5jcnlwdGlvbi1rZXk="  # base64 of 32 bytes, bench only

INDEX_MIGRATIONS = [
    "proposals.migrations.0003_period_and_order_indexes",
    "proposals.migrations.0004_covering_period_indexes",
]


def bench_indexes() -> list[str]:
    from django.db.migrations.operations import AddIndex, RemoveIndex

    names = []
    for path in INDEX_MIGRATIONS:
        migration = importlib.import_module(path).Migration
        removed = {op.name for op in migration.operations if isinstance(op, RemoveIndex)}
        names = [name for name in names if name not in removed]
        names += [op.index.name for op in migration.operations if isinstance(op, AddIndex)]
    return names


def log(*args):
    print(*args, flush=True)


# --- timing ----------------------------------------------------------------------------------------


def timed(fn, repeat: int, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def summary(times: list[float]) -> dict:
    ordered = sorted(times)
    return {
        "n": len(ordered),
        "median": statistics.median(ordered),
        "p95": ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)],
        "min": ordered[0],
        "max": ordered[-1],
    }


def fmt_ms(s: dict) -> str:
    return f"median {s['median']:.1f} ms · p95 {s['p95']:.1f} ms · min {s['min']:.1f} · max {s['max']:.1f} (n={s['n']})"


def capture(fn):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return result, ctx.captured_queries


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


# --- environment -----------------------------------------------------------------------------------


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    ram_gb = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        settings = {}
        for name in ("shared_buffers", "work_mem", "effective_cache_size", "random_page_cost", "jit"):
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(ram_gb, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": pg,
        "pg_settings": settings,
        "loadavg": os.getloadavg(),
    }


def dataset(year: int) -> dict:
    from django.db import connection
    from django.db.models import Count

    from activities.models import Activity, Attendance
    from consultations.models import ConsultationActivity
    from members.models import Member
    from proposals.models import Assignment, CoSigner, Proposal, ProposalEvent, Reply
    from supervision.models import Inspection

    counts = {}
    for label, model in (
        ("proposals", Proposal),
        ("co-signers", CoSigner),
        ("assignments", Assignment),
        ("replies", Reply),
        ("proposal events", ProposalEvent),
        ("members", Member),
        ("activities", Activity),
        ("attendance", Attendance),
        ("inspections", Inspection),
        ("consultation meetings", ConsultationActivity),
    ):
        counts[label] = model.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
        cursor.execute("SELECT MIN(submitted_at), MAX(submitted_at) FROM proposals_proposal")
        first, last = cursor.fetchone()
    by_state = dict(Proposal.objects.values_list("state").annotate(n=Count("id")).order_by())
    return {
        "counts": counts,
        "db_size": size,
        "span": f"{first:%Y-%m-%d} … {last:%Y-%m-%d}" if first else "",
        "by_state": by_state,
        "proposals_submitted_in_year": Proposal.objects.filter(submitted_at__year=year).count(),
    }


def setup_django(database_url: str, var_dir: str):
    os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    # Fixed keys for the members' encrypted ID and phone numbers, so that a kept database can be
    # measured again (--reuse) by another process (bench data only; never use these anywhere else).
    os.environ.setdefault("FIELD_ENCRYPTION_KEYS", BENCH_FIELD_KEY)
    os.environ.setdefault("FIELD_HASH_KEY", "cppcc-bench-field-hash-key")
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
    # The test client speaks plain HTTP; production serves HTTPS with these on.
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["SESSION_COOKIE_SECURE"] = "false"
    os.environ["CSRF_COOKIE_SECURE"] = "false"
    os.environ["CPPCC_VAR_DIR"] = var_dir
    os.environ["STATIC_ROOT"] = os.path.join(var_dir, "static")  # whitenoise warns when it is missing
    os.makedirs(os.environ["STATIC_ROOT"], exist_ok=True)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DB_CONN_MAX_AGE"] = "600"
    os.environ["DJANGO_SETTINGS_MODULE"] = "cppcc.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import override_settings

    # Pages render without a collectstatic manifest (as in the test suite); nothing else differs.
    override = override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    )
    override.enable()


# --- the indexes under study -----------------------------------------------------------------------


def drop_bench_indexes() -> dict[str, str]:
    """Drop the benchmark's indexes; returns their definitions to put them back."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef, tablename FROM pg_indexes WHERE indexname = ANY(%s)", [bench_indexes()]
        )
        found = {name: (definition, table) for name, definition, table in cursor.fetchall()}
        for name in found:
            cursor.execute(f'DROP INDEX "{name}"')
        for table in {t for _, t in found.values()}:
            cursor.execute(f'ANALYZE "{table}"')
    return found


def restore_indexes(found: dict):
    from django.db import connection

    with connection.cursor() as cursor:
        for definition, _ in found.values():
            cursor.execute(definition)
        for table in {t for _, t in found.values()}:
            cursor.execute(f'ANALYZE "{table}"')


# --- the measurements ------------------------------------------------------------------------------


class Bench:
    def __init__(self, args, year: int):
        from django.contrib.auth import get_user_model

        self.args = args
        self.year = year
        self.office = get_user_model().objects.get(username="office")
        self.results: dict = {}

    def top_queries(self, queries, k=5):
        return sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:k]

    def report_queries(self, label, queries, k=5):
        total = sum(float(q["time"]) for q in queries) * 1000
        log(f"    {len(queries)} queries, {total:.1f} ms in the database (captured run); slowest:")
        for q in self.top_queries(queries, k):
            log(f"      {float(q['time']) * 1000:8.1f} ms  {q['sql'][:150]}")
        if self.args.explain:
            for q in self.top_queries(queries, self.args.explain):
                log(f"\n    EXPLAIN ANALYZE ({label}, {float(q['time']) * 1000:.1f} ms):\n    {q['sql']}\n")
                log("      " + explain(q["sql"]).replace("\n", "\n      "))
                log("")

    def annual(self, repeat):
        from reports.statistics import annual, period_for

        period = period_for(year=self.year)
        log(f"\n(1) reports.statistics.annual(period_for(year={self.year}))  — target < 300 ms")
        s = summary(timed(lambda: annual(period), repeat))
        runs = [capture(lambda: annual(period))[1] for _ in range(3)]
        queries = runs[0]
        log(f"    {fmt_ms(s)}")
        self.report_queries("annual", queries)
        # Each query's median over three captured runs, in the order annual() issues them.
        per_query = [
            {"sql": q["sql"], "ms": statistics.median(float(r[i]["time"]) * 1000 for r in runs)}
            for i, q in enumerate(queries)
        ]
        return {**s, "queries": len(queries), "per_query": per_query}

    def api(self, repeat):
        from rest_framework.test import APIClient

        from proposals.models import ProposalCategory

        client = APIClient()
        client.force_login(self.office)
        social = ProposalCategory.objects.get(name="社会建设").pk
        economy = ProposalCategory.objects.get(name="经济建设").pk
        this_year = dt.date.today().year
        scenarios = [
            ("closed · 社会建设 · last year", f"state=closed&category={social}&year={self.year}"),
            (
                "in handling · 经济建设 · this year",
                f"state=assigned&state=handling&category={economy}&year={this_year}",
            ),
            ("replied · this year", f"state=replied&year={this_year}"),
            ("no filter (everything)", ""),
        ]
        log("\n(2) GET /api/v1/proposals/?… as office  — target median < 30 ms; queries equal at page_size 10 and 100")
        out = {}
        for label, query in scenarios:
            row = {}
            for size in (10, 100):
                url = (
                    f"/api/v1/proposals/?{query}&page_size={size}" if query else f"/api/v1/proposals/?page_size={size}"
                )
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code, response.content[:300])
                count = response.json()["count"]
                s = summary(timed(lambda url=url: client.get(url), repeat, warmup=2))
                _, queries = capture(lambda url=url: client.get(url))
                row[size] = {**s, "queries": len(queries), "count": count}
                log(
                    f"    [{label}] page_size={size:<3} rows matching {count:>6,}: {fmt_ms(s)} · {len(queries)} queries"
                )
                if size == 100:
                    self.report_queries(f"api {label}", queries, k=3)
            row["queries_equal"] = row[10]["queries"] == row[100]["queries"]
            log(
                f"    [{label}] query count 10 vs 100: {row[10]['queries']} vs {row[100]['queries']} → "
                f"{'equal' if row['queries_equal'] else 'NOT EQUAL'}"
            )
            out[label] = row
        return out

    def dashboard(self, repeat):
        from django.test import Client
        from django.urls import Resolver404, resolve

        log(f"\n(3) GET /reports/dashboard/?year={self.year} as office")
        try:
            resolve("/reports/dashboard/")
        except Resolver404:
            log("    skipped: /reports/dashboard/ does not exist yet (another engineer is building it)")
            return {"skipped": "URL /reports/dashboard/ does not exist yet"}
        client = Client()
        client.force_login(self.office)
        url = f"/reports/dashboard/?year={self.year}"
        response = client.get(url)
        if response.status_code != 200:
            log(f"    skipped: answered {response.status_code}")
            return {"skipped": f"answered HTTP {response.status_code}"}
        s = summary(timed(lambda: client.get(url), repeat))
        _, queries = capture(lambda: client.get(url))
        log(f"    {fmt_ms(s)}")
        self.report_queries("dashboard", queries)
        return {**s, "queries": len(queries)}

    def export(self, repeat):
        log(
            "\n(4) proposals.exports.proposals_xlsx(user=office, proposals=proposal_list(user=office)), in a subprocess"
            "  — target < 20 s, < 200 MB peak RSS"
        )
        runs = []
        for i in range(repeat):
            proc = subprocess.run(
                [sys.executable, str(BENCH_DIR / "export_child.py"), "office"],
                capture_output=True,
                text=True,
                env=os.environ.copy(),
                check=False,
            )
            if proc.returncode != 0:
                log(proc.stderr[-3000:])
                raise RuntimeError("export subprocess failed")
            run = json.loads(proc.stdout.strip().splitlines()[-1])
            runs.append(run)
            log(
                f"    run {i + 1}: {run['seconds']:.2f} s · peak RSS {run['peak_rss_mb']:.0f} MB "
                f"(after django.setup {run['baseline_rss_mb']:.0f} MB) · {run['rows']:,} rows · "
                f"{run['bytes'] / 1e6:.1f} MB file"
            )
        s = summary([r["seconds"] * 1000 for r in runs])
        peak = max(r["peak_rss_mb"] for r in runs)
        log(f"    {fmt_ms(s)} · peak RSS max {peak:.0f} MB")
        return {
            **s,
            "peak_rss_mb": peak,
            "baseline_rss_mb": runs[0]["baseline_rss_mb"],
            "rows": runs[0]["rows"],
            "bytes": runs[0]["bytes"],
        }

    def work_report(self, repeat):
        log(f"\n(5) .docx work report for {self.year}  — target < 2 s")
        if importlib.util.find_spec("reports.documents") is None:
            log("    skipped: reports/documents.py does not exist yet (another engineer is writing it)")
            return {"skipped": "reports/documents.py does not exist yet"}
        module = importlib.import_module("reports.documents")
        candidates = [
            (name, obj)
            for name, obj in vars(module).items()
            if inspect.isfunction(obj)
            and obj.__module__ == module.__name__
            and not name.startswith("_")
            and ("docx" in name or "work_report" in name or "report" in name)
        ]
        candidates.sort(key=lambda c: (("work_report" not in c[0]), ("docx" not in c[0]), c[0]))
        if not candidates:
            log("    skipped: reports/documents.py has no function building the work report yet")
            return {"skipped": "no work-report function in reports/documents.py yet"}
        name, fn = candidates[0]
        kwargs = self._arguments(fn)
        if kwargs is None:
            log(f"    skipped: cannot tell how to call reports.documents.{name}{inspect.signature(fn)}")
            return {"skipped": f"unknown signature {name}{inspect.signature(fn)}"}
        log(f"    reports.documents.{name}({', '.join(kwargs)})")
        try:
            s = summary(timed(lambda: fn(**kwargs), repeat))
        except Exception as exc:  # noqa: BLE001 — a module under construction; report, do not fail the run
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            log(f"    skipped: {type(exc).__name__}: {first_line}")
            return {"skipped": f"{name} raised {type(exc).__name__}: {first_line}"}
        _, queries = capture(lambda: fn(**kwargs))
        log(f"    {fmt_ms(s)} · {len(queries)} queries")
        return {**s, "queries": len(queries), "function": name}

    def _arguments(self, fn):
        from members.models import Term
        from reports.statistics import period_for

        known = {
            "period": lambda: period_for(year=self.year),
            "year": lambda: self.year,
            "user": lambda: self.office,
            "actor": lambda: self.office,
            "term": lambda: Term.objects.get(is_current=True),
        }
        kwargs = {}
        for param in inspect.signature(fn).parameters.values():
            if param.name in known:
                kwargs[param.name] = known[param.name]()
            elif param.default is inspect.Parameter.empty and param.kind not in (
                param.VAR_POSITIONAL,
                param.VAR_KEYWORD,
            ):
                return None
        return kwargs


MEASUREMENTS = ("annual", "api", "dashboard", "export", "work_report")


def run_measurements(args, year: int, *, quick: bool) -> dict:
    """`quick` (the pass without the indexes) leaves out the export and the Word report: both spend
    their time in Python, not in the queries the indexes serve."""
    bench = Bench(args, year)
    repeat = args.repeat
    plan = {
        "annual": lambda: bench.annual(repeat),
        "api": lambda: bench.api(max(repeat * 2, 5)),
        "dashboard": lambda: bench.dashboard(repeat),
        "export": lambda: bench.export(args.export_repeat),
        "work_report": lambda: bench.work_report(repeat),
    }
    out = {}
    for name in MEASUREMENTS:
        if name in args.only and not (quick and name in ("export", "work_report")):
            out[name] = plan[name]()
    return out


def print_table(result: dict):
    """The figures as the Markdown table bench/README.md records."""
    m = result["after"]
    before = result.get("before")
    log("\n== summary (Markdown) ==\n")
    log("| measurement | target | median | p95 | queries |" + (" median without the bench indexes |" if before else ""))
    log("|---|---|---|---|---|" + ("---|" if before else ""))

    def row(label, target, s, extra_before=None):
        if "skipped" in s:
            log(f"| {label} | {target} | skipped: {s['skipped']} | | |" + (" |" if before else ""))
            return
        b = (
            f" {extra_before['median']:.1f} ms |"
            if extra_before and "median" in extra_before
            else (" |" if before else "")
        )
        log(f"| {label} | {target} | {s['median']:.1f} ms | {s['p95']:.1f} ms | {s.get('queries', '')} |{b}")

    before = before or {}
    if "annual" in m:
        row("annual statistics", "< 300 ms", m["annual"], before.get("annual"))
    for label, r in m.get("api", {}).items():
        for size in (10, 100):
            was = before.get("api", {}).get(label, {}).get(size)
            row(f"proposals API, {label}, page_size {size}", "< 30 ms", r[size], was)
    if "dashboard" in m:
        row("dashboard", "—", m["dashboard"], before.get("dashboard"))
    if "export" in m:
        e = m["export"]
        log(
            f"| .xlsx export of all {e['rows']:,} proposals | < 20 s, < 200 MB | {e['median'] / 1000:.1f} s | "
            f"{e['p95'] / 1000:.1f} s | peak RSS {e['peak_rss_mb']:.0f} MB |" + (" |" if before else "")
        )
    if "work_report" in m:
        row(".docx work report", "< 2 s", m["work_report"])
    if before.get("annual") and m.get("annual") and len(before["annual"]["per_query"]) == len(m["annual"]["per_query"]):
        log("\nannual statistics, query by query (median of 3 captured runs), the 12 slowest without the indexes:\n")
        log("| without | with | query |")
        log("|---|---|---|")
        pairs = zip(before["annual"]["per_query"], m["annual"]["per_query"], strict=True)
        for was, now in sorted(pairs, key=lambda pair: -pair[0]["ms"])[:12]:
            log(f"| {was['ms']:.1f} ms | {now['ms']:.1f} ms | `{_short(was['sql'])}` |")


def _short(sql: str, width: int = 110) -> str:
    """`<table>: <outermost WHERE>` of a query, cut to `width` — enough to recognise it in a table."""

    def top_level(keyword: str) -> int:
        depth = 0
        for i, ch in enumerate(sql):
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if depth == 0 and sql.startswith(keyword, i):
                return i
        return -1

    start = top_level(" FROM ")
    table = sql[start + 6 :].split()[0].strip('"') if start >= 0 else ""
    at = top_level(" WHERE ")
    where = sql[at + 7 :] if at >= 0 else ""
    where = where.replace('"proposals_', "").replace('"members_', "").replace('"', "")
    return f"{table}: {where}"[:width].replace("|", "/")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true", help="smoke run: 1,000 proposals, 300 members, 300 activities")
    parser.add_argument("--proposals", type=int, help="number of proposals (default 100,000; --small 1,000)")
    parser.add_argument("--members", type=int, help="number of members (default 2,000)")
    parser.add_argument("--activities", type=int, help="number of activities (default 20,000)")
    parser.add_argument("--years", type=int, help="years of history (default 20)")
    parser.add_argument("--year", type=int, help="year measured (default: last year)")
    parser.add_argument("--repeat", type=int, help="timed runs per measurement (default 15; --small 5)")
    parser.add_argument("--export-repeat", type=int, help="export runs (default 3; --small 1)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--only",
        default=",".join(MEASUREMENTS),
        help=f"comma-separated measurements to run (default all: {','.join(MEASUREMENTS)})",
    )
    parser.add_argument(
        "--compare-indexes",
        action="store_true",
        help="first measure without the indexes this benchmark added, then with them",
    )
    parser.add_argument(
        "--explain",
        type=int,
        nargs="?",
        const=2,
        default=0,
        metavar="K",
        help="print EXPLAIN (ANALYZE, BUFFERS) of the K slowest queries of each measurement",
    )
    parser.add_argument("--reuse", action="store_true", help="measure the data already in DATABASE_URL")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the throwaway PostgreSQL running afterwards (until Ctrl-C) and print its URL",
    )
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args(argv)
    args.only = {name.strip() for name in args.only.split(",") if name.strip()}
    if args.only - set(MEASUREMENTS):
        parser.error(f"--only: unknown {sorted(args.only - set(MEASUREMENTS))}; choose from {', '.join(MEASUREMENTS)}")

    base = SMALL if args.small else FULL
    scale = Scale(
        proposals=args.proposals or base.proposals,
        members=args.members or base.members,
        activities=args.activities or base.activities,
        years=args.years or base.years,
    )
    args.repeat = args.repeat or (5 if args.small else 15)
    args.export_repeat = args.export_repeat or (1 if args.small else 3)
    year = args.year or dt.date.today().year - 1

    cluster = None
    database_url = os.environ.get("DATABASE_URL")
    if args.reuse and not database_url:
        parser.error("--reuse needs DATABASE_URL")
    if not database_url:
        cluster = pgcluster.Cluster(log=log)
        pgcluster.install_exit_handlers(cluster.stop)
    var_dir = tempfile.mkdtemp(prefix="cppcc-bench-var.")
    try:
        if cluster:
            database_url = cluster.start()
        setup_django(database_url, var_dir)
        from generate import prepare_database

        prepare_database(scale, seed=args.seed, reuse=args.reuse, log=log)

        result = {"machine": machine(), "dataset": dataset(year), "year": year}
        mach, data = result["machine"], result["dataset"]
        log(
            f"\n==> machine: {mach['cpu']}, {mach['cores']} cores, {mach['ram_gb']} GB RAM, {mach['os']}; "
            f"PostgreSQL {mach['postgresql']} ({', '.join(f'{k}={v}' for k, v in mach['pg_settings'].items())}); "
            f"Python {mach['python']}, Django {mach['django']}; load average {mach['loadavg'][0]:.2f} "
            "(shared machine: other test suites may be running)"
        )
        log(
            f"==> dataset: {', '.join(f'{k} {v:,}' for k, v in data['counts'].items())}; database {data['db_size']}; "
            f"submitted {data['span']}; {data['proposals_submitted_in_year']:,} proposals submitted in {year}"
        )
        log(f"    proposals by state: {', '.join(f'{k} {v:,}' for k, v in sorted(data['by_state'].items()))}")

        if args.compare_indexes:
            log("\n==> pass 1: WITHOUT the benchmark's indexes " + ", ".join(bench_indexes()))
            found = drop_bench_indexes()
            if not found:
                log("    (none of them exist in this database)")
            try:
                result["before"] = run_measurements(args, year, quick=True)
            finally:
                restore_indexes(found)
            log("\n==> pass 2: WITH the benchmark's indexes")
        result["after"] = run_measurements(args, year, quick=False)
        result["machine"]["loadavg_end"] = os.getloadavg()
        print_table(result)
        log(f"\nload average at the end: {result['machine']['loadavg_end'][0]:.2f}")
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=2, default=str, ensure_ascii=False))
        if args.keep and cluster:
            log(
                f"\n==> --keep: DATABASE_URL={database_url}\n    "
                "measure again with DATABASE_URL=… .venv/bin/python bench/run.py --reuse; Ctrl-C stops it"
            )
            from django.db import connections

            connections.close_all()
            while True:
                time.sleep(3600)
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 — Django may not be set up
            pass
        if cluster:
            cluster.stop()
        import shutil

        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
