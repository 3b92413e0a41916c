"""tests/dataframe: ``to_pandas()`` on the list iterators, against the emulator. Run by the
nox session ``pandas`` (the ``pandas`` extra); where pandas is missing this directory is left
out of collection (its absence is tested in tests/client/test_pandas_missing_extra.py).

Not named ``tests/pandas``: tests/ is on ``sys.path`` and the folder would shadow the package.
"""

from __future__ import annotations

import importlib.util

if importlib.util.find_spec("pandas") is None:
    collect_ignore_glob = ["*.py"]
