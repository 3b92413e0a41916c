"""The async client, on aiobotocore (the extra ``optjob-sdk[aio]``).

``AsyncOptimizationJobClient`` is also importable from the package root. Without aiobotocore
installed, importing this package raises :class:`ModuleNotFoundError` naming the extra.
"""

from __future__ import annotations

import importlib.util

if importlib.util.find_spec("aiobotocore") is None:
    raise ModuleNotFoundError(
        "the async client needs aiobotocore, which the 'aio' extra installs: "
        "pip install 'optjob-sdk[aio]'",
        name="aiobotocore",
    )

from optjob_sdk.aio.client import AsyncOptimizationJobClient
from optjob_sdk.aio.paging import AsyncJobPager

__all__ = ["AsyncJobPager", "AsyncOptimizationJobClient"]
