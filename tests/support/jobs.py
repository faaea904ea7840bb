"""The run's slow background jobs, each defined once: the site builds, the scaffold's run, Lighthouse.

Each is a subprocess that keeps a core busy for seconds to minutes while the
test process has nothing to do with it. tests/conftest.py queues them on the
background lane (tests/support/background.py) as the session starts; the test
that checks one asks `background.result(JOB)` and waits only for what is not
done yet, and a run that did not queue it runs it there.

A job is set up where it is queued, in the main thread (a served folder must
be started there: harness/servers.py makes a server die with the thread that
started it), and returns the work the lane then does.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.site_build import build_for

from .browser import lighthouse_audits
from .scaffold import scaffold_and_check
from .site import REPO_URL, SITE_SUBPATH, build_copy_with_zensical

if TYPE_CHECKING:
    from .background import Background


@dataclass(frozen=True, eq=False)
class BackgroundJob:
    """A slow job: its name (for messages), the jobs it needs done first, and its set-up.

    `set_up(background)` runs in the main thread when the job is queued and
    returns the work the lane does. Jobs compare by identity: each is one of
    the constants below.
    """

    name: str
    set_up: Callable[["Background"], Callable[[], Any]]
    after: tuple["BackgroundJob", ...] = ()

    def __str__(self) -> str:
        return self.name


def _site_build(background: "Background") -> Callable[[], Any]:
    """The strict MkDocs build, served under the subpath GitHub Pages uses, for its own address."""
    root = background.scratch("served-site-")
    address = background.serve(root, SITE_SUBPATH)
    site_dir = root / SITE_SUBPATH
    site_dir.mkdir()
    environment = {"REPO_URL": REPO_URL, **background.build_environment}
    return lambda: build_for(site_dir, address, **environment)


def _zensical_build(background: "Background") -> Callable[[], Any]:
    """Zensical's strict build of a copy of the project, for the MkDocs build's address."""
    folder = background.scratch("zensical-")
    return lambda: build_copy_with_zensical(folder, background.result(SITE_BUILD).address)


def _scaffold_run(background: "Background") -> Callable[[], Any]:
    folder = background.scratch("scaffold-")
    return lambda: scaffold_and_check(folder)


def _lighthouse_audits(background: "Background") -> Callable[[], Any]:
    return lambda: lighthouse_audits(background.result(SITE_BUILD).address)


SITE_BUILD = BackgroundJob("mkdocs build", _site_build)
ZENSICAL_BUILD = BackgroundJob("zensical build", _zensical_build, after=(SITE_BUILD,))
SCAFFOLD_RUN = BackgroundJob("scaffold run", _scaffold_run)
LIGHTHOUSE_AUDITS = BackgroundJob("lighthouse audits", _lighthouse_audits, after=(SITE_BUILD,))
# What only the whole suite queues, after the site build, in the order its tests need them.
WHOLE_SUITE_JOBS = (ZENSICAL_BUILD, SCAFFOLD_RUN, LIGHTHOUSE_AUDITS)
