"""What runs on this machine, read from /proc: for tests that prove nothing was left running."""

from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


@dataclass(frozen=True)
class Process:
    pid: int
    parent: int
    group: int
    zombie: bool
    command: str  # the command line, arguments joined by spaces


def _read(stat: Path) -> Process | None:
    try:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except (OSError, IndexError):  # the process ended while we looked
        return None
    return Process(int(stat.parent.name), int(fields[1]), int(fields[2]), fields[0] == "Z", command)


def processes() -> list[Process]:
    return [process for stat in PROC.glob("[0-9]*/stat") if (process := _read(stat)) is not None]


def in_group(group: int, zombies: bool = True) -> list[Process]:
    """The processes of a process group (its leader's pid), zombies included unless asked not to."""
    return [process for process in processes() if process.group == group and (zombies or not process.zombie)]


def processes_with(marker: str) -> list[int]:
    """Processes whose command line or environment holds `marker` (a run id, a unique argument)."""
    found = []
    for folder in PROC.glob("[0-9]*"):
        for part in ("cmdline", "environ"):
            try:
                if marker.encode() in (folder / part).read_bytes():
                    found.append(int(folder.name))
                    break
            except OSError:
                continue
    return found
