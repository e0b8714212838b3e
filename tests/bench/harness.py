"""Shared plumbing of the benchmarks and the fault suite: a real Odoo server.

Everything here runs Odoo as a *subprocess* (``odoo -c CONF -d DB``) on a
database of its own, with ``workers = 2`` and queue_job's job runner, so the
measured path is the production one: HTTP workers, the runner dispatching
``/queue_job/runjob``, PostgreSQL NOTIFY. Nothing is mocked.

* ``write_config`` copies the settings of ``var/odoo-test.conf`` into a file
  in the system temp dir (own http port, workers, channels, db_name).
* ``ensure_database`` installs connector_base + connector_test once
  (``odoo -i ... --stop-after-init``) and reuses the database afterwards.
* ``OdooServer`` starts/stops the server (process group, always killed on
  exit), samples the RSS of its processes with psutil.
* ``Db`` is a tiny psycopg2 helper for polling counts while the server runs.
"""

import atexit
import configparser
import contextlib
import hashlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import psycopg2

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
ODOO_BIN = VENV_BIN / "odoo"
BASE_CONFIG = REPO / "var" / "odoo-test.conf"
MODULES = "connector_base,connector_test"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _base_options():
    parser = configparser.ConfigParser(interpolation=None)
    if BASE_CONFIG.exists():
        parser.read(BASE_CONFIG)
    options = dict(parser["options"]) if parser.has_section("options") else {}
    options.setdefault(
        "addons_path",
        f"/opt/odoo/18.0/addons,{REPO / 'addons'},{REPO / 'tests' / 'addons'}",
    )
    for key, value in (
        ("db_host", "127.0.0.1"),
        ("db_port", "5432"),
        ("db_user", "odoo"),
        ("db_password", "odoo"),
    ):
        options.setdefault(key, value)
    return options


def write_config(database, workers=2, channels="root:2", tag="bench"):
    """Write an Odoo config for ``database`` in the temp dir; return its path."""
    options = _base_options()
    folder = Path(tempfile.gettempdir()) / f"connector-{tag}-{database}"
    folder.mkdir(parents=True, exist_ok=True)
    options.update(
        {
            "data_dir": str(folder / "data"),
            "http_interface": "127.0.0.1",
            "http_port": str(free_port()),
            "gevent_port": str(free_port()),
            "workers": str(workers),
            "max_cron_threads": "0",  # no cron competes with the measured jobs
            "server_wide_modules": "web,queue_job",
            # The runner and HTTP serve this database only. No dbfilter: with
            # one, Odoo lists the PostgreSQL server's databases (a connection
            # to "postgres" and a query) on every request without a session
            # cookie, i.e. every webhook; with db_name alone it takes db_name.
            "db_name": database,
            "dbfilter": "",
            "list_db": "False",
            "logfile": str(folder / "odoo.log"),
            "log_level": "warn",
            # The runner's readiness line tells OdooServer.start when jobs can run.
            "log_handler": "odoo.addons.queue_job.jobrunner.runner:INFO",
            "limit_time_real": "1200",
            "limit_time_cpu": "600",
        }
    )
    lines = ["[options]"] + [f"{key} = {value}" for key, value in options.items()]
    lines += ["", "[queue_job]", f"channels = {channels}", ""]
    path = folder / "odoo.conf"
    path.write_text("\n".join(lines))
    return path


def read_options(conf):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(conf)
    return dict(parser["options"])


class Db:
    """psycopg2 access to the benchmark database (autocommit)."""

    def __init__(self, conf, database="postgres"):
        opts = read_options(conf)
        self.params = {
            "host": opts.get("db_host") or "127.0.0.1",
            "port": int(opts.get("db_port") or 5432),
            "user": opts.get("db_user") or "odoo",
            "password": opts.get("db_password") or "odoo",
            "dbname": database,
        }

    def _connect(self):
        conn = psycopg2.connect(**self.params)
        conn.autocommit = True
        return conn

    def rows(self, query, args=()):
        with contextlib.closing(self._connect()) as conn, conn.cursor() as cr:
            cr.execute(query, args)
            return cr.fetchall() if cr.description else []

    def value(self, query, args=()):
        rows = self.rows(query, args)
        return rows[0][0] if rows else None


def database_ready(conf, database, modules=MODULES):
    admin = Db(conf)
    if not admin.value("SELECT 1 FROM pg_database WHERE datname = %s", (database,)):
        return False
    db = Db(conf, database)
    try:
        installed = db.value(
            "SELECT count(*) FROM ir_module_module "
            "WHERE name = ANY(%s) AND state = 'installed'",
            (modules.split(","),),
        )
    except psycopg2.Error:
        return False
    return installed == len(modules.split(","))


def _module_folder(name):
    folder = REPO / "addons" / name
    return folder if folder.exists() else REPO / "tests" / "addons" / name


def modules_fingerprint(modules=MODULES):
    """Hash of the installed addons' code and data: a change means ``-u``."""
    digest = hashlib.sha1()
    for folder in map(_module_folder, modules.split(",")):
        for path in sorted(folder.rglob("*")):
            code = path.suffix in (".py", ".xml", ".csv")
            if code and "tests" not in path.parts[-2:]:
                digest.update(str(path.relative_to(REPO)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_database(conf, database, log=print, modules=MODULES):
    """Install ``modules`` (connector_base + a workload's addon) in ``database``,
    or update them when their code changed since the last run; reuse it as is
    otherwise."""
    stamp = Path(conf).parent / "modules.sha1"
    fingerprint = modules_fingerprint(modules)
    if database_ready(conf, database, modules):
        if stamp.exists() and stamp.read_text() == fingerprint:
            return False
        action, verb = "-u", "updating"
    else:
        action, verb = "-i", "installing"
    log(f"{verb} {modules} in {database} ...")
    started = time.perf_counter()
    subprocess.run(
        [str(ODOO_BIN), "-c", str(conf), "-d", database, action, modules]
        + ["--without-demo=all", "--stop-after-init", "--workers=0"],
        check=True,
        timeout=900,
    )
    stamp.write_text(fingerprint)
    log(f"done in {time.perf_counter() - started:.0f} s")
    return True


class RssSampler(threading.Thread):
    """Samples the RSS of a process tree; keeps per-pid and total peaks, and
    the CPU seconds (user + system) each process used so far."""

    def __init__(self, root_pid, interval=0.25):
        super().__init__(daemon=True)
        self.root_pid = root_pid
        self.interval = interval
        self.peak_by_pid = {}
        self.peak_total = 0
        self.cpu_by_pid = {}
        self._stop = threading.Event()

    def run(self):
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self):
        try:
            root = psutil.Process(self.root_pid)
            procs = [root] + root.children(recursive=True)
        except psutil.Error:
            return
        total = 0
        for proc in procs:
            try:
                rss = proc.memory_info().rss
                cpu = proc.cpu_times()
            except psutil.Error:
                continue
            self.cpu_by_pid[proc.pid] = cpu.user + cpu.system
            total += rss
            self.peak_by_pid[proc.pid] = max(self.peak_by_pid.get(proc.pid, 0), rss)
        self.peak_total = max(self.peak_total, total)

    def stop(self):
        self._stop.set()

    def cpu_snapshot(self):
        self.sample()
        return dict(self.cpu_by_pid)

    def cpu_since(self, snapshot):
        """CPU seconds the tree used since ``snapshot`` (a process that ended
        counts up to its last sample)."""
        self.sample()
        return sum(
            max(0.0, used - snapshot.get(pid, 0.0))
            for pid, used in self.cpu_by_pid.items()
        )

    def report(self):
        """Peaks in MiB: the master, the largest child, all processes together."""
        mib = 1024 * 1024
        children = [v for pid, v in self.peak_by_pid.items() if pid != self.root_pid]
        return {
            "master_peak_mib": round(self.peak_by_pid.get(self.root_pid, 0) / mib, 1),
            "worker_peak_mib": round(max(children, default=0) / mib, 1),
            "total_peak_mib": round(self.peak_total / mib, 1),
            "processes_seen": len(self.peak_by_pid),
        }


_RUNNING = set()


def _kill_all():
    for server in list(_RUNNING):
        server.stop()


atexit.register(_kill_all)


class OdooServer:
    """``odoo -c conf -d db`` as a subprocess in its own process group."""

    def __init__(self, conf, database):
        self.conf = Path(conf)
        self.database = database
        options = read_options(conf)
        self.port = int(options["http_port"])
        self.logfile = Path(options["logfile"])
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.sampler = None

    def start(self, timeout=120):
        self.proc = subprocess.Popen(
            [str(ODOO_BIN), "-c", str(self.conf), "-d", self.database],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        _RUNNING.add(self)
        self.sampler = RssSampler(self.proc.pid)
        self.sampler.start()
        offset = self.logfile.stat().st_size if self.logfile.exists() else 0
        self._wait_http(timeout)
        self.warm_up()
        self._wait_runner(offset, timeout)
        return self

    def _wait_runner(self, offset, timeout):
        """queue_job's runner starts a few seconds after HTTP; wait for it."""

        def ready():
            if not self.logfile.exists():
                return False
            with self.logfile.open("rb") as handle:
                handle.seek(offset)
                return b"database connections ready" in handle.read()

        if not wait_until(ready, timeout)[0]:
            raise TimeoutError(f"queue_job runner not ready, see {self.logfile}")

    def warm_up(self, requests_=12):
        """Make every HTTP worker load the registry before anything is timed."""

        def hit():
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                conn.request("GET", "/web/login")
                conn.getresponse().read()
                conn.close()

        threads = [threading.Thread(target=hit) for __ in range(requests_)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _wait_http(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"odoo exited early, see {self.logfile}")
            with contextlib.suppress(OSError):
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            time.sleep(0.3)
        raise TimeoutError(f"odoo did not listen on {self.port} in {timeout}s")

    def kill(self, sig=signal.SIGKILL):
        """Signal the whole process group (master, HTTP workers, job runner)."""
        if self.proc and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)
            self.proc.wait(timeout=60)

    def stop(self):
        if self.sampler:
            self.sampler.stop()
        if self.proc and self.proc.poll() is None:
            self.kill(signal.SIGTERM)
        # Workers left behind by a killed master: end the group for good.
        if self.proc:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        _RUNNING.discard(self)

    def rss(self):
        self.sampler.sample()
        return self.sampler.report()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def pg_cpu(database):
    """CPU seconds used so far by each PostgreSQL backend of ``database``."""
    marker = f" {database} "
    result = {}
    for proc in psutil.process_iter(["name", "cmdline"]):
        try:
            title = " ".join(proc.info["cmdline"] or []) + " "
            if marker in title and title.startswith("postgres:"):
                cpu = proc.cpu_times()
                result[proc.pid] = cpu.user + cpu.system
        except psutil.Error:
            continue
    return result


def pg_cpu_since(database, snapshot):
    now = pg_cpu(database)
    return sum(max(0.0, used - snapshot.get(pid, 0.0)) for pid, used in now.items())


def wait_until(predicate, timeout, interval=0.2):
    """Poll ``predicate`` until truthy; return (value, seconds waited)."""
    started = time.perf_counter()
    deadline = started + timeout
    value = predicate()
    while not value and time.perf_counter() < deadline:
        time.sleep(interval)
        value = predicate()
    return value, time.perf_counter() - started


def open_env(conf, database):
    """An in-process Odoo registry on ``database`` (for seeding and enqueueing).

    Returns a context manager yielding a superuser ``env``; the transaction is
    committed on exit.
    """
    import odoo  # noqa: PLC0415 - only the drivers need Odoo in-process
    from odoo import api  # noqa: PLC0415

    if not odoo.tools.config.get("db_name") == database:
        odoo.tools.config.parse_config(["-c", str(conf), "-d", database])
    registry = odoo.modules.registry.Registry(database)

    @contextlib.contextmanager
    def env_cm():
        with registry.cursor() as cr:
            yield api.Environment(cr, odoo.SUPERUSER_ID, {})

    return env_cm
