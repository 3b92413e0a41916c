"""The two ways in: botocore's ``before-send`` hook (no socket) and HTTP on 127.0.0.1."""

from __future__ import annotations

import contextlib
import importlib
import socket
import threading
from collections.abc import Generator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from optjob_sdk.testing._service import Answer, _Dropped

if TYPE_CHECKING:
    from optjob_sdk.testing._service import FakeOptimizationService

__all__ = ["in_process_client", "serve", "serve_forever"]

LOOPBACK = "127.0.0.1"
# Where an in-process client points. Nothing listens there: if the hook ever failed to
# answer, the request would fail on this machine instead of reaching AWS.
_NOWHERE = "http://127.0.0.1:9"


class _Body:
    """The raw-stream interface botocore's AWSResponse reads from."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


def in_process_client(service: FakeOptimizationService, **kwargs: Any) -> Any:
    from botocore.awsrequest import AWSResponse
    from botocore.exceptions import ConnectionClosedError

    def answer(request: Any, **_: Any) -> Any:
        target = request.headers.get("X-Amz-Target", b"")
        if isinstance(target, bytes):
            target = target.decode()
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        elif not isinstance(body, bytes):
            body = body.read()
        try:
            reply: Answer = service.handle(str(target), body)
        except _Dropped:
            # botocore treats this as a network failure and retries it like one.
            raise ConnectionClosedError(endpoint_url=request.url) from None
        headers: Any = reply.headers  # botocore wants HTTPHeaders; a dict reads the same
        return AWSResponse(request.url, reply.status, headers, _Body(reply.body))

    options: dict[str, Any] = {
        "region_name": service.region,
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
        "aws_session_token": "testing",
        "endpoint_url": _NOWHERE,
    }
    options.update(kwargs)
    # boto3's own overloads name every AWS service; only the SageMaker one matters here.
    boto3: Any = importlib.import_module("boto3")
    client = boto3.client("sagemaker", **options)
    client.meta.events.register_first("before-send.sagemaker.*", answer)
    return client


def _handler_for(service: FakeOptimizationService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as botocore's connection pool expects

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in two writes; without this, Nagle's algorithm and
            # delayed ACKs add ~40 ms to every keep-alive request.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            target = self.headers.get("X-Amz-Target", "")
            try:
                reply = service.handle(target, body)
            except _Dropped:
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(2)
                return
            self.send_response(reply.status)
            for key, value in reply.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        def log_message(self, format: str, *args: Any) -> None:
            return  # quiet: request bodies may carry secrets, and tests read stderr

    return Handler


@contextlib.contextmanager
def serve(service: FakeOptimizationService, port: int = 0) -> Generator[str]:
    """Serve ``service`` on 127.0.0.1 (only) in a background thread; yields the URL."""
    server = ThreadingHTTPServer((LOOPBACK, port), _handler_for(service))
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},  # shutdown() waits up to one poll interval
        name="optjob-emulator",
        daemon=True,
    )
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def serve_forever(
    service: FakeOptimizationService | None = None,
    port: int = 0,
    *,
    ready: Any = None,
) -> None:
    """Serve until interrupted (Ctrl-C); ``ready(url)`` is called once listening."""
    from optjob_sdk.testing._service import FakeOptimizationService

    service = service if service is not None else FakeOptimizationService(realtime=True)
    server = ThreadingHTTPServer((LOOPBACK, port), _handler_for(service))
    server.daemon_threads = True
    if ready is not None:
        ready(f"http://{LOOPBACK}:{server.server_address[1]}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
