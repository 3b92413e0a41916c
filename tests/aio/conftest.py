"""tests/aio: the async side, run only where aiobotocore is installed (the nox session
``aio``, with pytest-asyncio in strict mode).

Elsewhere (the plain ``tests`` sessions) this directory is left out of collection, not an
error: ``collect_ignore_glob`` below. Async tests here need no ``@pytest.mark.asyncio``:
the hook below adds it to every ``async def`` test. Async fixtures still take
``@pytest_asyncio.fixture``.
"""

from __future__ import annotations

import importlib.util
import inspect
from collections.abc import Generator
from typing import Any

import pytest

if importlib.util.find_spec("aiobotocore") is None:
    # Without the extra nothing here can import; skip the directory quietly.
    collect_ignore_glob = ["*.py"]


# pytest-asyncio turns a test into an async item as the test is collected, if it carries the
# asyncio mark by then: pytest_collection_modifyitems would come too late. So: a wrapper
# around collection of each test, innermost (trylast), that marks async tests as pytest
# makes them and before pytest-asyncio's own wrapper looks at them.
@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_pycollect_makeitem(
    collector: pytest.Module | pytest.Class, name: str, obj: object
) -> Generator[None, Any, Any]:
    made = yield
    if inspect.iscoroutinefunction(obj):
        for item in made if isinstance(made, list) else [made]:
            if isinstance(item, pytest.Function):
                item.add_marker(pytest.mark.asyncio)
    return made
