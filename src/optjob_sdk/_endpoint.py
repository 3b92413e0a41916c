"""Building the boto3 SageMaker client: endpoint URLs checked, an emulator on this machine
usable without an AWS setup."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import sys
import threading
from collections.abc import Generator
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from optjob_sdk.errors import ConfigurationError

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

__all__ = [
    "EMULATOR_REGION",
    "BadEndpointError",
    "check_endpoint_url",
    "client_options",
    "creating_client",
    "default_session",
    "effective_endpoint",
    "is_loopback",
    "make_client",
    "new_session",
]

#: The region used with an endpoint on this machine when none is configured.
EMULATOR_REGION: Final = "us-west-2"

#: Credentials used with an endpoint on this machine when none are configured: an emulator
#: checks none, and nothing signed with them can reach AWS.
_PLACEHOLDER_KEY: Final = "optjob-emulator"


class BadEndpointError(ConfigurationError):
    """An endpoint URL that is no URL botocore can send to (no scheme, no host, a bad port)."""


def is_loopback(url: str | None) -> bool:
    """Whether ``url`` points at this machine (``localhost``, ``127.0.0.0/8``, ``::1``)."""
    if not url:
        return False
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_endpoint_url(url: str, *, source: str) -> None:
    """Raise :class:`BadEndpointError` unless ``url`` is an ``http(s)://host[:port]`` URL.

    ``source`` names where the URL came from, for the message (``"endpoint_url"``, an
    environment variable).
    """
    problem = _endpoint_problem(url)
    if problem is None:
        return
    hint = ""
    if "://" not in url and url.strip():
        hint = f"; did you mean 'http://{url.strip()}'?"
    raise BadEndpointError(
        f"{source} {url!r} is not an endpoint URL: {problem} (expected "
        f"http://HOST:PORT or https://HOST){hint}"
    )


def _endpoint_problem(url: str) -> str | None:
    if any(char.isspace() or ord(char) < 32 for char in url):
        return "it contains whitespace or control characters"
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError for a port out of range or not a number
    except ValueError as error:
        return str(error)
    if parts.scheme not in ("http", "https"):
        return "it has no http:// or https:// scheme"
    if not parts.hostname:
        return "it has no host"
    del port
    # botocore's own check, which it would otherwise raise as a bare ValueError.
    from botocore.utils import is_valid_endpoint_url, is_valid_ipv6_endpoint_url

    if not (is_valid_endpoint_url(url) or is_valid_ipv6_endpoint_url(url)):
        return f"{parts.hostname!r} is not a valid host name"
    return None


def _configured_endpoint() -> tuple[str | None, str]:
    """The endpoint boto3 takes from the environment, and the variable that set it."""
    if os.environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() == "true":
        return None, ""
    for variable in ("AWS_ENDPOINT_URL_SAGEMAKER", "AWS_ENDPOINT_URL"):
        value = os.environ.get(variable)
        if value:
            return value, variable
    return None, ""


def _has_credentials(session: Any) -> bool:
    """Whether ``session`` (boto3's, botocore's or aiobotocore's) has credentials configured,
    without asking the EC2 instance metadata service: off EC2 that probe costs about 2 s, for
    placeholders that an emulator would accept just as well."""
    try:
        from botocore.credentials import CredentialResolver
        from botocore.session import Session

        inner: Any = getattr(session, "_session", session)  # botocore's session under boto3's
        if inner._credentials is not None:  # given to the Session explicitly
            return True
        if not type(inner).__module__.startswith("botocore"):
            # aiobotocore's providers load asynchronously: ask a plain botocore session of
            # the same profile, which reads the same environment and files.
            inner = Session(profile=inner.profile)
        resolver: Any = inner.get_component("credential_provider")
        cheap = [provider for provider in resolver.providers if provider.METHOD != "iam-role"]
        return CredentialResolver(cheap).load_credentials() is not None
    except AttributeError:  # another layout: ask the usual way
        return session.get_credentials() is not None


def effective_endpoint(endpoint_url: str | None) -> str | None:
    """The endpoint a client will use (``endpoint_url``, else the environment's), checked:
    :class:`BadEndpointError` for a malformed one."""
    if endpoint_url is not None:
        check_endpoint_url(endpoint_url, source="endpoint_url")
        return endpoint_url
    configured, variable = _configured_endpoint()
    if configured is not None:
        check_endpoint_url(configured, source=f"the environment variable {variable}")
    return configured


def client_options(
    session: Any,
    session_region: str | None,
    region_name: str | None,
    endpoint_url: str | None,
) -> dict[str, Any]:
    """``create_client("sagemaker", **options)``'s options for a session whose own region is
    ``session_region``: for an endpoint on this machine (an emulator), a region and
    credentials that are not configured are filled in with placeholders."""
    options: dict[str, Any] = {"region_name": region_name}
    if endpoint_url is not None:
        options["endpoint_url"] = endpoint_url
    if is_loopback(effective_endpoint(endpoint_url)):
        if region_name is None and session_region is None:
            options["region_name"] = EMULATOR_REGION
        if not _has_credentials(session):
            options["aws_access_key_id"] = _PLACEHOLDER_KEY
            options["aws_secret_access_key"] = _PLACEHOLDER_KEY
    return options


@contextlib.contextmanager
def creating_client(endpoint_url: str | None) -> Generator[None]:
    """Around building a client (boto3's, or entering aiobotocore's): botocore's errors
    become :class:`ConfigurationError` and the SDK's other errors."""
    from optjob_sdk._errors_map import map_error

    try:
        yield
    except ValueError as error:
        # botocore's own endpoint check (an endpoint from ~/.aws/config, say).
        if "endpoint" not in str(error).lower():
            raise
        raise BadEndpointError(f"{error}: expected http://HOST:PORT or https://HOST") from error
    except Exception as error:
        effective = endpoint_url if endpoint_url is not None else _configured_endpoint()[0]
        mapped = map_error(error, operation="creating the SageMaker client", endpoint=effective)
        if mapped is None:
            raise
        raise mapped from error


def make_client(session: Any, region_name: str | None, endpoint_url: str | None) -> SageMakerClient:
    """``session.client("sagemaker", ...)``, with :func:`client_options`. ``session``: boto3's
    or botocore's; when ``None``, the default one (:func:`default_session`, else the SDK's
    own). Raises :class:`ConfigurationError` for a malformed endpoint URL, a missing region
    or profile.
    """
    effective_endpoint(endpoint_url)
    with creating_client(endpoint_url):
        if session is None:
            session = default_session() or _shared_session()
        client: SageMakerClient
        if hasattr(session, "client"):  # boto3's
            options = client_options(session, session.region_name, region_name, endpoint_url)
            client = session.client("sagemaker", **options)
        else:  # botocore's
            region = session.get_config_variable("region")
            options = client_options(session, region, region_name, endpoint_url)
            client = session.create_client("sagemaker", **options)
        return client


def new_session(profile: str | None = None, region_name: str | None = None) -> Any:
    """A botocore session as ``boto3.Session(profile_name=..., region_name=...)`` sets up
    for a SageMaker client (boto3 adds nothing else to one), without importing boto3,
    which costs a process about as much again as the whole SDK (its resource layer,
    s3transfer). The SDK names itself in the user agent, as boto3 does."""
    from botocore.session import Session

    session = Session(profile=profile)
    if region_name is not None:
        session.set_config_variable("region", region_name)
    session.user_agent_extra = f"optjob-sdk/{_version()}"
    return session


def default_session() -> Any:
    """boto3's default session, if the application has one (``boto3.client()`` made it, or
    ``boto3.setup_default_session(...)``): it then applies here too. None otherwise."""
    boto3: Any = sys.modules.get("boto3")
    return None if boto3 is None else boto3.DEFAULT_SESSION


# The SDK's own default session, when the application has no boto3 one: what
# ``boto3.client("sagemaker")`` would set up (see new_session). Made once and shared, as
# boto3's is, so that the service model is loaded once per process.
_session: Any = None
_session_lock: Final = threading.Lock()


def _shared_session() -> Any:
    global _session  # noqa: PLW0603 - one per process, as boto3.DEFAULT_SESSION
    with _session_lock:
        if _session is None:
            _session = new_session()
        return _session


def _version() -> str:
    from optjob_sdk import __version__

    return __version__
