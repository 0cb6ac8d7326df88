"""Where the machine's CPU went during a bench's load: the bench's own processes by kind, and everything else.

On a shared 2-core machine the throughput of tests/bench/load.py is bounded by CPU: the web workers, PostgreSQL's
backends of the bench database, the Celery worker, the broker and the bench's own client threads all share the
cores, with whatever the other users of the machine run. Reading /proc before and after the load says which of
them took it: CPU seconds per check-in by kind are comparable from run to run even when the throughput is not.

Processes are told apart by ancestry (the bench's children: gunicorn, the worker, the redis-server) and, for
PostgreSQL, by the database name in a backend's process title. A process that exits during the window loses its
share (gunicorn recycles a worker after max_requests; a backend then exits with it); "other" is the machine's
busy time (/proc/stat) minus the bench's, so it holds them and the other users' work. Linux only: elsewhere
`cpu_snapshot` returns None and nothing is printed.
"""

import os
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


@dataclass
class Snapshot:
    by_pid: dict[int, tuple[str, float]]  # pid -> (kind, CPU seconds so far)
    busy: float  # the machine's busy CPU seconds so far (every core)
    sessions: int | None = None  # PostgreSQL sessions opened on the bench database so far (pg_stat_database)


def _busy_seconds() -> float:
    fields = (PROC / "stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(value) for value in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, str, float]]:
    """pid -> (parent pid, command line, CPU seconds)."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()
        found[int(entry.name)] = (int(fields[1]), command, (int(fields[11]) + int(fields[12])) / ticks)
    return found


def _kind(pid: int, processes: dict[int, tuple[int, str, float]], database: str) -> str | None:
    """What this process is to the bench, or None when it is not the bench's."""
    bench = os.getpid()
    _parent, command, _cpu = processes[pid]
    if command.startswith("postgres:") and f" {database} " in f"{command} ":
        return "postgresql"
    seen, current = set(), pid
    while current not in seen and current in processes:
        if current == bench:
            break
        seen.add(current)
        current = processes[current][0]
    else:
        return None
    if pid == bench:
        return "bench clients"
    if "gunicorn" in command:
        return "gunicorn"
    if "celery" in command:
        return "celery worker"
    if "redis-server" in command:
        return "redis"
    return "bench, other"


def cpu_snapshot(database: str) -> Snapshot | None:
    if not (PROC / "stat").exists():
        return None
    processes = _processes()
    by_pid = {}
    for pid, (_parent, _command, cpu) in processes.items():
        kind = _kind(pid, processes, database)
        if kind is not None:
            by_pid[pid] = (kind, cpu)
    return Snapshot(by_pid=by_pid, busy=_busy_seconds(), sessions=_sessions(database))


def _sessions(database: str) -> int | None:
    """Sessions opened on the database so far: each costs PostgreSQL a process and a cold catalogue cache, which
    the CPU above no longer shows once that process has exited."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = %s", [database])
        row = cursor.fetchone()
    return int(row[0]) if row else None


def cpu_report(before: Snapshot | None, after: Snapshot | None, *, seconds: float, check_ins: int) -> None:
    """Print CPU seconds by kind over the window, and milliseconds of CPU per check-in."""
    if before is None or after is None or not check_ins:
        return
    used: dict[str, float] = {}
    for pid, (kind, cpu) in after.by_pid.items():
        used[kind] = used.get(kind, 0.0) + cpu - (before.by_pid[pid][1] if pid in before.by_pid else 0.0)
    busy = after.busy - before.busy
    used["other (not the bench's)"] = max(0.0, busy - sum(used.values()))
    cores = os.cpu_count() or 1
    print(f"CPU during the load   : {busy:.1f} s busy of {cores * seconds:.1f} s ({cores} cores); "
          f"per check-in, milliseconds of CPU:")  # fmt: skip
    for kind, value in sorted(used.items(), key=lambda item: -item[1]):
        print(f"  {kind:20s}: {value * 1000 / check_ins:6.1f} ms  ({value:5.1f} s)")
    if before.sessions is not None and after.sessions is not None:
        print(f"  PostgreSQL sessions opened on the bench database meanwhile: {after.sessions - before.sessions}")
