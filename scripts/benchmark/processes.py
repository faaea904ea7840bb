"""A running server's processes, read from /proc: resident memory, threads and CPU time.

scripts/local_servers.py starts each server as the leader of its own process
group, so its workers (gunicorn's, granian's, Hypercorn's) and helpers such as
multiprocessing's resource tracker are the processes of that group.
"""

import os
from dataclasses import dataclass
from pathlib import Path

PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass(frozen=True)
class ProcessSample:
    rss_kib: int  # resident set size
    cpu_ticks: int  # user and system time so far, in clock ticks
    threads: int
    parent: int = 0  # the parent's pid


def process_group(group: int, proc: Path = Path("/proc")) -> dict[int, ProcessSample]:
    """Every process whose process group is `group`, by pid (one that ends meanwhile is left out)."""
    found = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone since the listing
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (name) "; the name may hold spaces
        if int(fields[2]) == group:
            found[int(entry.name)] = ProcessSample(
                rss_kib=int(fields[21]) * PAGE_KIB,
                cpu_ticks=int(fields[11]) + int(fields[12]),
                threads=int(fields[17]),
                parent=int(fields[1]),
            )
    return found
