"""The emulator over HTTP against hostile or broken clients, with raw sockets.

Every exchange has a socket timeout, so a server that hangs fails the test instead of
hanging it. Each answer must be JSON in the AWS JSON 1.1 error shape.
"""

from __future__ import annotations

import base64
import http.client
import json
import socket
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boto3_support import http_client
from optjob_sdk.testing import FakeOptimizationService

WAIT = 5.0  # seconds: far longer than any answer takes, far shorter than a hang
LIST = "SageMaker.ListOptimizationJobs"


@pytest.fixture
def service() -> FakeOptimizationService:
    return FakeOptimizationService(seed=1)


@pytest.fixture
def url(service: FakeOptimizationService) -> Iterator[str]:
    with service.serve() as served:
        yield served


def address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1"
    assert parts.port is not None
    return parts.hostname, parts.port


def post(url: str, body: bytes, target: str = LIST) -> tuple[int, dict[str, str], Any]:
    """One well-framed request through http.client; (status, headers, decoded JSON body)."""
    connection = http.client.HTTPConnection(*address(url), timeout=WAIT)
    try:
        connection.request(
            "POST",
            "/",
            body,
            {"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"},
        )
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), json.loads(response.read())
    finally:
        connection.close()


def raw(url: str, data: bytes, *, wait: float = WAIT) -> tuple[int, dict[str, str], Any]:
    """Bytes as given on a fresh socket; the answer parsed as HTTP, its body as JSON."""
    with socket.create_connection(address(url), timeout=wait) as sock:
        sock.sendall(data)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, dict(response.getheaders()), json.loads(response.read())


def head(length: str, target: str = LIST) -> bytes:
    return (
        f"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: {target}\r\n"
        f"Content-Type: application/x-amz-json-1.1\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def is_error(answer: tuple[int, dict[str, str], Any], status: int, code: str) -> None:
    got_status, headers, body = answer
    assert (got_status, body["__type"]) == (status, code), body
    assert isinstance(body["message"], str)
    assert headers["Content-Type"] == "application/x-amz-json-1.1"


def still_serves(url: str) -> None:
    assert http_client(url).list_optimization_jobs()["OptimizationJobSummaries"] == []


# -- bodies ------------------------------------------------------------------------------


def test_deep_json_body_is_a_serialization_error(url: str) -> None:
    for body in (b"[" * 200_000, b'{"a":' * 100_000, b"[" * 100_000 + b"]" * 100_000):
        is_error(post(url, body), 400, "SerializationException")
    still_serves(url)


def test_deep_json_in_process_too(service: FakeOptimizationService) -> None:
    answer = service.handle(LIST, b"[" * 200_000)
    assert (answer.status, json.loads(answer.body)["__type"]) == (400, "SerializationException")


def test_deep_unknown_member_is_answered(url: str) -> None:
    # Unknown members are ignored, as the service does; a deep one must not crash either.
    nested = "[" * 900 + "]" * 900
    status, _, body = post(url, f'{{"Whatever": {nested}}}'.encode())
    assert status == 200, body


def test_malformed_bodies_are_serialization_errors(url: str) -> None:
    for body in (b"{", b"\xff\xfe", b"null", b"[]", b'"text"', b"1e999999"):
        is_error(post(url, body), 400, "SerializationException")


def test_crafted_next_token_over_http(url: str) -> None:
    deep = base64.urlsafe_b64encode(b"[" * 6000).decode()  # within the 8,192 characters allowed
    for token in (deep, "garbage", "a.b", "." * 5000, "\u2028"):
        body = json.dumps({"NextToken": token}).encode()
        is_error(post(url, body), 400, "ValidationException")
    still_serves(url)


# -- framing -----------------------------------------------------------------------------


@pytest.mark.parametrize("length", ["abc", "-1", "1.5", "0x10", " ", "\uff11\uff12", "2, 3"])
def test_malformed_content_length_is_answered(url: str, length: str) -> None:
    is_error(raw(url, head(length) + b"{}"), 400, "SerializationException")
    still_serves(url)


@pytest.mark.parametrize("length", [str(10**14), str(8 * 1024 * 1024 + 1), "9" * 5000])
def test_huge_content_length_is_413_without_reading(url: str, length: str) -> None:
    started = time.monotonic()
    is_error(raw(url, head(length) + b"{}"), 413, "RequestEntityTooLargeException")
    assert time.monotonic() - started < WAIT / 2
    still_serves(url)


def test_chunked_body_is_refused_cleanly(url: str) -> None:
    data = (
        f"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: {LIST}\r\n"
        "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
    ).encode()
    is_error(raw(url, data), 411, "LengthRequired")


def test_short_body_is_answered_after_the_timeout(service: FakeOptimizationService) -> None:
    with service.serve(timeout=0.5) as url:
        started = time.monotonic()
        with socket.create_connection(address(url), timeout=WAIT) as sock:
            sock.sendall(head("100") + b'{"MaxResults"')
            response = http.client.HTTPResponse(sock)
            response.begin()
            body = json.loads(response.read())
            assert (response.status, body["__type"]) == (400, "SerializationException")
            assert "Content-Length" in body["message"]
            assert sock.recv(1) == b""  # and the connection is closed
        assert 0.4 < time.monotonic() - started < WAIT / 2
        still_serves(url)


def test_idle_connection_is_closed_after_the_timeout(service: FakeOptimizationService) -> None:
    with service.serve(timeout=0.3) as url:
        started = time.monotonic()
        with socket.create_connection(address(url), timeout=WAIT) as sock:
            assert sock.recv(1) == b""  # closed by the server, not by our timeout
        assert time.monotonic() - started < WAIT / 2
        # ... also after a request: keep-alive does not mean forever
        with socket.create_connection(address(url), timeout=WAIT) as sock:
            sock.sendall(head("2") + b"{}")
            response = http.client.HTTPResponse(sock)
            response.begin()
            assert response.status == 200
            response.read()
            assert sock.recv(1) == b""


def test_connections_beyond_the_bound_get_503(service: FakeOptimizationService) -> None:
    with service.serve(timeout=WAIT, max_connections=2) as url:
        idle = [socket.create_connection(address(url), timeout=WAIT) for _ in range(2)]
        try:
            time.sleep(0.2)  # both accepted, each holding a thread
            is_error(raw(url, head("2") + b"{}"), 503, "ServiceUnavailable")
        finally:
            for sock in idle:
                sock.close()
        deadline = time.monotonic() + WAIT
        while True:  # the threads end once their clients have gone
            status, _, _ = raw(url, head("2") + b"{}")
            if status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert status == 200


def test_other_methods_and_garbage_get_json_errors(url: str) -> None:
    status, headers, body = raw(url, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status == 501
    assert body["__type"] == "UnknownOperationException"
    assert headers["Content-Type"] == "application/x-amz-json-1.1"
    long_header = b"POST / HTTP/1.1\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n"
    many_headers = b"POST / HTTP/1.1\r\n" + b"X-A: b\r\n" * 200 + b"\r\n"
    for data in (long_header, many_headers):
        status, headers, body = raw(url, data)
        assert status == 431
        assert body["__type"] == "RequestHeaderFieldsTooLarge"
    still_serves(url)


def test_unknown_target_is_answered(url: str) -> None:
    is_error(post(url, b"{}", target="x" * 5000), 400, "UnknownOperationException")
    is_error(post(url, b"{}", target=""), 400, "UnknownOperationException")


# -- any input at all ------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _inputs() -> dict[str, list[str]]:
    import botocore.session

    model = botocore.session.get_session().get_service_model("sagemaker")
    return {
        name: list(model.operation_model(name).input_shape.members)
        for name in (
            "CreateOptimizationJob",
            "DescribeOptimizationJob",
            "ListOptimizationJobs",
            "StopOptimizationJob",
            "DeleteOptimizationJob",
        )
    }


INPUT_MEMBERS = _inputs()
PARAMS = st.sampled_from(sorted(INPUT_MEMBERS)).flatmap(
    lambda operation: st.tuples(
        st.just(operation),
        st.dictionaries(
            st.sampled_from([*INPUT_MEMBERS[operation], "Unknown"]), JSON_VALUES, max_size=6
        ),
    )
)


@settings(max_examples=300, deadline=None)
@given(call=PARAMS)
def test_any_json_request_gets_a_service_answer(call: tuple[str, dict[str, Any]]) -> None:
    """Whatever the members hold, the answer is the service's (200 or a 4xx in the error
    shape), never the emulator's own failure (500) or an exception."""
    operation, params = call
    service = FakeOptimizationService()
    answer = service.handle(f"SageMaker.{operation}", json.dumps(params).encode())
    body = json.loads(answer.body)
    assert answer.status in (200, 400), body
    if answer.status == 400:
        assert set(body) == {"__type", "message"}


@settings(max_examples=300, deadline=None)
@given(body=st.binary(max_size=200) | JSON_VALUES.map(lambda v: json.dumps(v).encode()))
def test_any_body_gets_an_answer(body: bytes) -> None:
    answer = FakeOptimizationService().handle(LIST, body)
    assert answer.status in (200, 400)
    json.loads(answer.body)


HEADER_TEXT = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"),
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(length=HEADER_TEXT | st.integers(0, 10**30).map(str), body=st.binary(max_size=40))
def test_any_content_length_gets_an_answer(length: str, body: bytes) -> None:
    """Whatever the Content-Length says (and whatever follows), an answer in the error shape
    comes within the socket timeout; the server never hangs."""
    service = FakeOptimizationService()
    with service.serve(timeout=0.2) as url:
        data = head("X")[: -len(b"X\r\n\r\n")] + length.encode("latin-1") + b"\r\n\r\n" + body
        status, headers, answer = raw(url, data)
        assert headers["Content-Type"] == "application/x-amz-json-1.1"
        assert status in (200, 400, 413), answer
        if status != 200:
            assert set(answer) == {"__type", "message"}
        still_serves(url)
