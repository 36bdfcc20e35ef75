"""Where a build's time and memory go: each stage's wall time, the builder's and its
workers' CPU and the memory after it, logged at INFO on the "faqkb.build" logger
(bench/build.py --stages turns it on; `faqkb serve` keeps it quiet)."""

from __future__ import annotations

import logging
import time

_log = logging.getLogger("faqkb.build")


def _children_cpu() -> float:
    """CPU seconds of the worker processes this one has waited for (a stage's pool is
    joined before the stage ends, so its workers are counted in that stage)."""
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _memory() -> tuple[float, float, float]:
    """MB: the builder's resident memory now, its peak, and the largest worker's peak.
    The builder's figures are /proc's VmRSS and VmHWM: getrusage's peak also counts what
    the process that started this one held before its exec (a bench holding its corpus)."""
    import resource

    status = {}
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    key, kib, *_ = line.split()
                    status[key] = int(kib) / 1024
    except (OSError, ValueError):  # not Linux
        pass
    nan = float("nan")
    return status.get("VmRSS:", nan), status.get("VmHWM:", nan), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


class BuildStages:
    """Call with a stage's name when it ends: logs the seconds since the last call (wall,
    the builder's CPU and its workers' CPU) and the memory now."""

    def __init__(self) -> None:
        self.wall, self.cpu, self.workers = time.perf_counter(), time.process_time(), _children_cpu()

    def __call__(self, name: str) -> None:
        if not _log.isEnabledFor(logging.INFO):
            return
        wall, cpu, workers = time.perf_counter(), time.process_time(), _children_cpu()
        _log.info("build stage %-12s %7.2f s wall %7.2f s builder cpu %7.2f s workers cpu   RSS %5.0f MB, "
                  "peak %5.0f MB, largest worker %5.0f MB", name, wall - self.wall, cpu - self.cpu,
                  workers - self.workers, *_memory())
        self.wall, self.cpu, self.workers = wall, cpu, workers
