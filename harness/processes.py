"""What runs on this machine, read from /proc: the one reader of it in the project.

The servers (harness/servers.py) each lead a process group of their own, so
a server's workers and helpers are the processes of that group: the
benchmark reads their memory, threads and CPU time, and the tests check that
nothing of a group is left running. Linux only, as the servers are.
"""

import os
import signal
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass(frozen=True)
class Process:
    pid: int
    parent: int  # the parent's pid
    group: int  # the process group: a server's leader's pid
    zombie: bool  # ended, not yet reaped by its parent
    rss_kib: int  # resident set size
    cpu_ticks: int  # user and system time so far, in clock ticks
    threads: int

    @property
    def command(self) -> str:
        """The command line, arguments joined by spaces ("" once the process is gone)."""
        try:
            return (
                (PROC / str(self.pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            )
        except OSError:
            return ""


def read(stat: str, pid: int) -> Process:
    """A process from the text of its /proc/PID/stat (proc(5) numbers the fields from 1)."""
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (name) "; the name may hold spaces
    return Process(
        pid=pid,
        parent=int(fields[1]),
        group=int(fields[2]),
        zombie=fields[0] == "Z",
        rss_kib=int(fields[21]) * PAGE_KIB,
        cpu_ticks=int(fields[11]) + int(fields[12]),
        threads=int(fields[17]),
    )


def processes(proc: Path = PROC) -> list[Process]:
    """Every process there is (one that ends while this looks is left out)."""
    found = []
    for entry in proc.iterdir():
        if entry.name.isdigit():
            try:
                found.append(read((entry / "stat").read_text(), int(entry.name)))
            except (OSError, ValueError, IndexError):  # gone since the listing
                continue
    return found


def process_group(group: int, zombies: bool = True, proc: Path = PROC) -> dict[int, Process]:
    """The processes of a process group (its leader's pid), by pid; zombies too unless asked not to."""
    return {
        each.pid: each for each in processes(proc) if each.group == group and (zombies or not each.zombie)
    }


def processes_with(marker: str, proc: Path = PROC) -> list[int]:
    """Processes whose command line or environment holds `marker` (a run id, a unique argument)."""
    found = []
    for folder in proc.glob("[0-9]*"):
        for part in ("cmdline", "environ"):
            try:
                if marker.encode() in (folder / part).read_bytes():
                    found.append(int(folder.name))
                    break
            except OSError:
                continue
    return found


def with_default_sigint() -> None:
    """Give a child SIGINT's default handling (Ctrl-C), before exec: a preexec_fn.

    A command started in the background by a shell script (`bash .ci/run &`)
    has SIGINT ignored, and every process it starts inherits that; a test
    that interrupts a child, or a server a table says stops on SIGINT, needs
    the child to get it as a terminal's Ctrl-C would deliver it.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def children(pid: int, proc: Path = PROC) -> list[int]:
    """A process's children, as the kernel lists them for each of its threads."""
    try:
        listed = " ".join(path.read_text() for path in (proc / str(pid) / "task").glob("*/children"))
    except OSError:
        return []
    return [int(child) for child in listed.split()]


def descendants(pid: int, proc: Path = PROC) -> list[int]:
    """Children, their children and so on: a tree to stop from the top."""
    below = children(pid, proc)
    return below + [grandchild for child in below for grandchild in descendants(child, proc)]
