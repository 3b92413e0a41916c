"""Without the ``aio`` extra: ``optjob_sdk.AsyncOptimizationJobClient`` is a clear error that
names ``pip install 'optjob-sdk[aio]'``, and everything else works as before; with or without
it, ``import optjob_sdk`` imports none of aiobotocore, aiohttp or ``optjob_sdk.aio``.

"Without" is simulated two ways: in this process, ``sys.modules["aiobotocore"] = None`` (what
``import`` reads as "not installed"); in a fresh interpreter, a ``sitecustomize`` that makes
the path finder miss aiobotocore and aiohttp, as if they had never been installed.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

import optjob_sdk
from hiding import run_python

EXTRA = "pip install 'optjob-sdk[aio]'"

# -- in this process -------------------------------------------------------------------------


@pytest.fixture
def without_aiobotocore(monkeypatch: pytest.MonkeyPatch) -> None:
    """aiobotocore as if not installed, and the async client not imported yet."""
    for name in [name for name in sys.modules if name.partition(".")[0] == "aiobotocore"]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "aiobotocore", None)
    for name in [name for name in sys.modules if name.startswith("optjob_sdk.aio")]:
        monkeypatch.delitem(sys.modules, name)
    # The package root caches a name once looked up: forget it.
    monkeypatch.delitem(vars(optjob_sdk), "AsyncOptimizationJobClient", raising=False)


def test_the_async_client_without_aiobotocore_names_the_extra(without_aiobotocore: None) -> None:
    with pytest.raises(ModuleNotFoundError) as caught:
        optjob_sdk.AsyncOptimizationJobClient  # noqa: B018
    assert EXTRA in str(caught.value)
    assert caught.value.name == "aiobotocore"
    # Asked again, the same (nothing half-imported was cached).
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'optjob-sdk\[aio\]'"):
        from optjob_sdk import AsyncOptimizationJobClient  # noqa: F401
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'optjob-sdk\[aio\]'"):
        importlib.import_module("optjob_sdk.aio")


def test_everything_else_works_without_aiobotocore(without_aiobotocore: None) -> None:
    from optjob_sdk.testing import FakeOptimizationService

    namespace: dict[str, object] = {}
    exec("from optjob_sdk import *", namespace)
    assert "AsyncOptimizationJobClient" not in namespace
    assert set(optjob_sdk.__all__) <= set(namespace)
    client_class = namespace["OptimizationJobClient"]
    assert isinstance(client_class, type)
    client = client_class(FakeOptimizationService().client())
    assert list(client.list()) == []
    # Not offered (dir, completion, help) where it cannot be used; nothing imported to tell.
    assert "AsyncOptimizationJobClient" not in dir(optjob_sdk)
    assert "OptimizationJobClient" in dir(optjob_sdk)
    assert "optjob_sdk.aio" not in sys.modules


# -- in a fresh interpreter ----------------------------------------------------------------------


def test_not_installed_the_error_names_the_extra_and_the_rest_works(tmp_path: Path) -> None:
    out = run_python(
        """
        import importlib.util, json, sys

        import optjob_sdk

        assert importlib.util.find_spec("aiobotocore") is None  # as if never installed
        try:
            optjob_sdk.AsyncOptimizationJobClient
        except ModuleNotFoundError as error:
            caught = {"type": type(error).__name__, "name": error.name, "message": str(error)}
        else:
            caught = None

        namespace = {}
        exec("from optjob_sdk import *", namespace)
        from optjob_sdk.testing import FakeOptimizationService

        client = namespace["OptimizationJobClient"](FakeOptimizationService().client())
        print(json.dumps({
            "caught": caught,
            "star": sorted(set(optjob_sdk.__all__) - set(namespace)),
            "listed": list(client.list()),
        }))
        """,
        hide=("aiobotocore", "aiohttp"),
        where=tmp_path,
    )
    result = json.loads(out)
    assert result["caught"]["type"] == "ModuleNotFoundError"
    assert result["caught"]["name"] == "aiobotocore"
    assert EXTRA in result["caught"]["message"]
    assert result["star"] == []
    assert result["listed"] == []


def test_introspection_works_without_the_extra(tmp_path: Path) -> None:
    out = run_python(
        """
        import inspect, pydoc
        import optjob_sdk

        names = dict(inspect.getmembers(optjob_sdk))
        print("OptimizationJobClient" in names, "AsyncOptimizationJobClient" in names)
        print("OptimizationJobClient" in pydoc.render_doc(optjob_sdk))
        try:
            hasattr(optjob_sdk, "AsyncOptimizationJobClient")
        except ModuleNotFoundError as error:
            print("pip install 'optjob-sdk[aio]'" in str(error))
        """,
        hide=("aiobotocore", "aiohttp"),
        where=tmp_path,
    )
    assert out.split() == ["True", "False", "True", "True"]


def test_importing_the_package_imports_no_async_machinery() -> None:
    # With the extra installed (this environment): still nothing of it until asked for.
    out = run_python(
        """
        import json, sys

        def loaded():
            return sorted(
                name for name in sys.modules
                if name.partition(".")[0] in ("aiobotocore", "aiohttp")
                or name == "optjob_sdk.aio" or name.startswith("optjob_sdk.aio.")
            )

        steps = {}
        import optjob_sdk
        steps["import"] = loaded()
        dir(optjob_sdk)
        exec("from optjob_sdk import *", {})
        steps["star"] = loaded()
        from optjob_sdk import OptimizationJobClient
        from optjob_sdk.testing import FakeOptimizationService
        list(OptimizationJobClient(FakeOptimizationService().client()).list())
        steps["sync client"] = loaded()
        optjob_sdk.AsyncOptimizationJobClient
        steps["asked for"] = loaded()
        print(json.dumps(steps))
        """
    )
    steps = json.loads(out)
    assert steps["import"] == []
    assert steps["star"] == []
    assert steps["sync client"] == []
    # Asked for, the async client comes (its aiobotocore only when a client is made).
    assert "optjob_sdk.aio" in steps["asked for"]
