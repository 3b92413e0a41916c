"""Run Python in a fresh interpreter as if some packages had never been installed (a
``sitecustomize`` that makes the path finder miss them): how the tests of the optional extras
check what users without them see."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

#: A sitecustomize that hides packages from the path finder: imported at start-up, before
#: any test code, so that nothing can have imported them earlier.
HIDE_PACKAGES = """
import importlib.machinery

_HIDDEN = {hidden!r}
_find_spec = importlib.machinery.PathFinder.find_spec.__func__


def _hiding_find_spec(cls, fullname, path=None, target=None):
    if fullname.partition(".")[0] in _HIDDEN:
        return None
    return _find_spec(cls, fullname, path, target)


importlib.machinery.PathFinder.find_spec = classmethod(_hiding_find_spec)
"""


def run_python(code: str, *, hide: tuple[str, ...] = (), where: Path | None = None) -> str:
    """Run ``code`` in a fresh interpreter (this one's), with ``hide`` not installed;
    returns its stdout (a failure shows its stderr)."""
    env_path = []
    if hide:
        assert where is not None
        (where / "sitecustomize.py").write_text(HIDE_PACKAGES.format(hidden=set(hide)))
        env_path.append(str(where))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*env_path, env.get("PYTHONPATH", "")]).strip(os.pathsep)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout
