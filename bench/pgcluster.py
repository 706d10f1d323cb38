"""A throwaway PostgreSQL cluster for the benchmark, started the way `.ci/run` starts CI's.

initdb in a temp dir, loopback only, the first free port from 55432 up, durability off (the data
is generated and thrown away), stopped and removed at exit whatever the outcome. Postgres refuses
to run as root, so as root the cluster runs as the `postgres` system user (or `cppcc-ci`, the
user `.ci/run` creates); as anyone else it runs as the caller.

Run on its own it keeps a cluster up until Ctrl-C, for exploring a generated dataset:

    .venv/bin/python bench/pgcluster.py      # prints DATABASE_URL=…
"""

import glob
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DB_NAME = "cppcc_bench"
DB_USER = "cppcc_bench"


def find_bindir() -> Path | None:
    """Directory holding postgres, pg_ctl and initdb: PATH first (symlinks resolved), then Debian's."""
    candidates = []
    for name in ("pg_ctl", "postgres", "initdb"):
        found = shutil.which(name)
        if found:
            candidates.append(Path(os.path.realpath(found)).parent)
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    candidates.append(Path("/usr/local/pgsql/bin"))
    for directory in candidates:
        if all(os.access(directory / tool, os.X_OK) for tool in ("postgres", "pg_ctl", "initdb")):
            return directory
    return None


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _pick_port(start: int = 55432) -> int:
    for port in range(start, start + 200):
        if _port_free(port):
            return port
    raise RuntimeError(f"no free port in {start}..{start + 199}")


class Cluster:
    def __init__(self, *, shared_buffers: str = "256MB", log=print):
        self.log = log
        self.bindir = find_bindir()
        if self.bindir is None:
            raise RuntimeError(
                "PostgreSQL binaries (postgres, pg_ctl, initdb) not found; install `postgresql` "
                "(Debian: apt-get install postgresql) or set DATABASE_URL to an existing database"
            )
        self.shared_buffers = shared_buffers
        self.tmp: Path | None = None
        self.port: int | None = None
        self.started = False
        self.password = secrets.token_hex(12)
        self.run_as: str | None = None
        if os.geteuid() == 0:
            for user in ("postgres", "cppcc-ci"):
                try:
                    pwd.getpwnam(user)
                    self.run_as = user
                    break
                except KeyError:
                    continue
            if self.run_as is None:
                raise RuntimeError("running as root and neither a `postgres` nor a `cppcc-ci` user exists")

    # -- helpers -------------------------------------------------------------------------------
    def _cmd(self, *args) -> list[str]:
        if self.run_as:
            return ["runuser", "-u", self.run_as, "--", *map(str, args)]
        return list(map(str, args))

    def _run(self, *args, **kwargs):
        return subprocess.run(self._cmd(*args), cwd=self.tmp, check=True, capture_output=True, text=True, **kwargs)

    @property
    def url(self) -> str:
        return f"postgres://{DB_USER}:{self.password}@127.0.0.1:{self.port}/{DB_NAME}"

    def version(self) -> str:
        return subprocess.run(
            [str(self.bindir / "postgres"), "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()

    # -- life cycle ----------------------------------------------------------------------------
    def start(self) -> str:
        self.tmp = Path(tempfile.mkdtemp(prefix="cppcc-bench."))
        self.tmp.chmod(0o755)
        pgdata, sock = self.tmp / "pgdata", self.tmp / "pgsock"
        pgdata.mkdir(mode=0o700)
        sock.mkdir()
        logfile = self.tmp / "postgres.log"
        logfile.touch()
        if self.run_as:
            entry = pwd.getpwnam(self.run_as)
            for path in (pgdata, sock, logfile):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        common = ["-D", pgdata, "-U", "postgres", "-E", "UTF8", "--auth-local=trust", "--auth-host=scram-sha-256"]
        try:
            self._run(self.bindir / "initdb", *common, "--locale=C.UTF-8")
        except subprocess.CalledProcessError:
            shutil.rmtree(pgdata)
            pgdata.mkdir(mode=0o700)
            if self.run_as:
                os.chown(pgdata, pwd.getpwnam(self.run_as).pw_uid, pwd.getpwnam(self.run_as).pw_gid)
            self._run(self.bindir / "initdb", *common, "--no-locale")
        self.port = _pick_port()
        options = " ".join(
            [
                "-c listen_addresses=127.0.0.1",
                f"-p {self.port}",
                f"-k {sock}",
                # Thrown away afterwards: durability off makes loading the data much faster; it does
                # not change how reads are planned or executed.
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
                f"-c shared_buffers={self.shared_buffers}",
                "-c maintenance_work_mem=256MB -c max_wal_size=4GB -c checkpoint_timeout=30min",
                "-c max_connections=20",
            ]
        )
        self.started = True
        try:
            self._run(self.bindir / "pg_ctl", "-D", pgdata, "-l", logfile, "-w", "-t", "60", "-o", options, "start")
        except subprocess.CalledProcessError as exc:
            tail = logfile.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"postgres failed to start: {exc.stderr}\n{tail}") from None
        psql = self.bindir / "psql"
        if not psql.exists():
            psql = Path(shutil.which("psql") or "psql")
        self._run(
            psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", sock, "-p", self.port, "-U", "postgres", "-d", "postgres",
            "-c", f"CREATE ROLE {DB_USER} LOGIN PASSWORD '{self.password}' CREATEDB",
            "-c", f"CREATE DATABASE {DB_NAME} OWNER {DB_USER}",
        )  # fmt: skip
        self.log(f"==> throwaway PostgreSQL on 127.0.0.1:{self.port} ({self.version()}, data in {self.tmp})")
        return self.url

    def stop(self):
        if self.tmp is None:
            return
        if self.started:
            try:
                self._run(self.bindir / "pg_ctl", "-D", self.tmp / "pgdata", "-m", "fast", "-w", "-t", "30", "stop")
            except (subprocess.CalledProcessError, OSError):
                pidfile = self.tmp / "pgdata" / "postmaster.pid"
                if pidfile.exists():
                    try:
                        os.kill(int(pidfile.read_text().split()[0]), signal.SIGKILL)
                    except (OSError, ValueError):
                        pass
            self.started = False
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.log("==> throwaway PostgreSQL stopped and removed")
        self.tmp = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


def install_exit_handlers(cleanup):
    """SIGTERM/SIGINT/SIGHUP become SystemExit, so `finally` blocks (and the cluster's stop) run."""

    def handler(signum, frame):
        cleanup()
        sys.exit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, handler)


if __name__ == "__main__":
    cluster = Cluster()
    install_exit_handlers(cluster.stop)
    try:
        cluster.start()
        print(f"DATABASE_URL={cluster.url}", flush=True)
        print("Ctrl-C (or SIGTERM) stops and removes it.", flush=True)
        while True:
            time.sleep(3600)
    finally:
        cluster.stop()
