"""Worker processes with a time limit per case.

Each worker is a process of its own, fed one case at a time over a pipe. A worker that does not
answer within the time limit is killed (by its process id) and replaced, and the case is reported
as a timeout; a worker that dies (a crash, running out of memory) is reported as worker_crashed.

The limit is on the CPU time the worker spends on the case (what the case costs), not on the wall
clock alone: on a shared machine a niced worker can wait many times its CPU time for a core (a case
of 0.2 s CPU once took over 10 s of wall time). A worker that is blocked rather than working is
still stopped once the wall clock reaches ``WALL_FACTOR`` times the limit.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import time
from multiprocessing.connection import wait

from fuzz.oracle.expr import Case

MEMORY_LIMIT = 3 * 1024**3  # bytes of address space a worker may add to what it starts with
WALL_FACTOR = 3  # a case is stopped at this many times the limit in wall time, working or not
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU seconds of process ``pid`` so far (None where /proc does not tell)."""
    with contextlib.suppress(OSError, ValueError, IndexError), open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
        return (int(fields[11]) + int(fields[12])) / _TICKS  # utime and stime, fields 14 and 15
    return None


def _address_space() -> int:
    """Bytes of address space this process holds now (0 where /proc does not tell)."""
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _worker(conn, nice: int, runner=None) -> None:
    import resource

    if nice:
        os.nice(nice)
    with contextlib.suppress(ValueError, OSError):
        # a forked worker starts with its parent's address space (a test process that has loaded
        # jax or torch holds gigabytes of it): the limit is on what the worker adds
        limit = _address_space() + MEMORY_LIMIT
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import warnings

    warnings.simplefilter("ignore")
    if runner is None:
        from fuzz.oracle.worker import run_case_safely as runner

    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg is None:
            return
        key, case = msg
        conn.send((key, runner(case)))


class _Slot:
    def __init__(self, ctx, nice: int, runner=None):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child, nice, runner), daemon=True)
        self.proc.start()
        child.close()
        self.job = None  # (key, case, start time, CPU seconds of the worker at the start)

    def start(self, key, case) -> None:
        self.job = (key, case, time.monotonic(), cpu_seconds(self.proc.pid))
        self.conn.send((key, case))

    def over(self, timeout: float) -> tuple[bool, str]:
        """Whether the case has run past the limit, and how long it ran."""
        wall = time.monotonic() - self.job[2]
        start, now = self.job[3], cpu_seconds(self.proc.pid)
        cpu = wall if start is None or now is None else now - start
        return cpu > timeout or wall > WALL_FACTOR * timeout, f"{cpu:.1f} s CPU, {wall:.1f} s wall"

    def stop(self) -> None:
        with contextlib.suppress(OSError, BrokenPipeError):
            self.conn.send(None)
        self.proc.join(2)
        if self.proc.is_alive():
            self.kill()

    def kill(self) -> None:
        if self.proc.pid is not None and self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class Pool:
    def __init__(self, workers: int = 2, timeout: float = 10.0, nice: int = 0, runner=None):
        """``runner`` (case -> result dict) is worker.run_case_safely unless given (tests)."""
        self.ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        self.timeout, self.nice, self.runner = timeout, nice, runner
        self.slots = [self._slot() for _ in range(max(1, workers))]

    def _slot(self) -> _Slot:
        return _Slot(self.ctx, self.nice, self.runner)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        for slot in self.slots:
            slot.stop()
        self.slots = []

    def run(self, jobs, deadline: float | None = None):
        """Yield (key, case, result) for each (key, case) of ``jobs``, in the order they finish.
        Stops taking new jobs once ``deadline`` (time.monotonic()) has passed."""
        jobs = iter(jobs)
        exhausted = False
        while True:
            for i, slot in enumerate(self.slots):
                if slot.job is None and not exhausted:
                    if deadline is not None and time.monotonic() > deadline:
                        exhausted = True
                        break
                    try:
                        key, case = next(jobs)
                    except StopIteration:
                        exhausted = True
                        break
                    try:
                        slot.start(key, case)
                    except (OSError, BrokenPipeError):
                        self.slots[i] = self._slot()
                        self.slots[i].start(key, case)
            busy = [s for s in self.slots if s.job is not None]
            if not busy:
                return
            now = time.monotonic()
            # a case's CPU time grows no faster than its wall time (one thread): no need to look
            # before the limit in wall time, then every 0.2 s
            wait_for = max(0.2, min(s.job[2] + self.timeout - now for s in busy))
            ready = wait([s.conn for s in busy], timeout=wait_for + 0.05)
            for i, slot in enumerate(self.slots):
                if slot.job is None:
                    continue
                key, case = slot.job[:2]
                if slot.conn in ready:
                    try:
                        _, result = slot.conn.recv()
                    except (EOFError, OSError):
                        code = slot.proc.exitcode
                        slot.kill()
                        self.slots[i] = self._slot()
                        result = _failure("worker_crashed", f"the worker process died (exit code {code})")
                    else:
                        slot.job = None
                    yield key, case, result
                    continue
                over, spent = slot.over(self.timeout)
                if over:
                    slot.kill()
                    self.slots[i] = self._slot()
                    yield key, case, _failure("timeout", f"no answer within {self.timeout:g} s ({spent})")

    def run_one(self, case: Case) -> dict:
        for _, _, result in self.run([(0, case)]):
            return result
        raise RuntimeError("no result")


def _failure(kind: str, message: str) -> dict:
    return {
        "outcome": "failed",
        "benign": kind,
        "notes": {},
        "failures": [
            {
                "kind": kind,
                "stage": "worker",
                "signature": f"{kind} | {message.split(' (')[0]}",
                "detail": {"message": message},
            }
        ],
        "seconds": None,
    }


def run_isolated(case: Case, timeout: float = 10.0) -> dict:
    """One case in a worker process of its own, with the time limit."""
    with Pool(1, timeout) as pool:
        return pool.run_one(case)
