"""How many threads torch gets: the cores that are free when a model loads.

On a machine whose cores are shared (CI runners, laptops), torch's default of one thread per
core stalls: each of its threads waits for the slowest, and a core busy with another
process makes every matrix product wait for it (a 2-core run with one core busy went 7x
slower). So mtfix samples how busy the cores it may use are and gives torch only the idle
ones. OMP_NUM_THREADS or MTFIX_THREADS, when set, decide instead.
"""

from __future__ import annotations

import os
import time

SAMPLE_SECONDS = 0.1
BUSY_SHARE = 0.5  # a core more than this busy (by others) is not counted as free


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _cpu_times() -> dict[str, tuple[int, int]]:
    """(busy, total) jiffies of each cpuN line of /proc/stat."""
    out = {}
    with open("/proc/stat", encoding="ascii") as stat:
        for line in stat:
            name, *values = line.split()
            if name.startswith("cpu") and name != "cpu":
                numbers = [int(v) for v in values[:8]]
                idle = numbers[3] + numbers[4]  # idle and iowait
                out[name] = (sum(numbers) - idle, sum(numbers))
    return out


def free_cores(sample_seconds: float = SAMPLE_SECONDS) -> int:
    """The cores this process may use that were mostly idle over a short sample (at least 1)."""
    cores = usable_cores()
    try:
        allowed = {f"cpu{n}" for n in os.sched_getaffinity(0)}
        before = _cpu_times()
        time.sleep(sample_seconds)
        after = _cpu_times()
    except (AttributeError, OSError, ValueError):
        return cores
    busy = 0
    for name in allowed & before.keys() & after.keys():
        spent = after[name][1] - before[name][1]
        if spent > 0 and (after[name][0] - before[name][0]) / spent > BUSY_SHARE:
            busy += 1
    return max(1, min(cores, cores - busy))


def chosen_threads() -> int:
    for variable in ("MTFIX_THREADS", "OMP_NUM_THREADS"):
        value = os.environ.get(variable, "")
        if value.isdigit() and int(value) > 0:
            return int(value)
    return free_cores()


_configured = False


def configure_torch() -> int:
    """Set torch's thread count once per process, to the free cores; returns it."""
    global _configured
    import torch

    if not _configured:
        torch.set_num_threads(chosen_threads())
        _configured = True
    return torch.get_num_threads()
