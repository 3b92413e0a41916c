"""The ways in: botocore's ``before-send`` hook (no socket), for boto3 and for aiobotocore
clients, and HTTP on 127.0.0.1."""

from __future__ import annotations

import contextlib
import importlib
import logging
import re
import socket
import threading
import uuid
from collections.abc import Generator, Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Final

from optjob_sdk.testing._service import Answer, _Dropped, error_answer

if TYPE_CHECKING:
    from optjob_sdk.testing._service import FakeOptimizationService

__all__ = ["in_process_aio_client", "in_process_client", "serve", "serve_forever"]

_log = logging.getLogger("optjob_sdk.testing")

LOOPBACK: Final = "127.0.0.1"
# Where an in-process client points. Nothing listens there: if the hook ever failed to
# answer, the request would fail on this machine instead of reaching AWS.
_NOWHERE = "http://127.0.0.1:9"
# The hook that answers in-process: botocore (and aiobotocore, which awaits its handlers)
# sends nothing when a before-send handler returns a response.
_BEFORE_SEND: Final = "before-send.sagemaker.*"
#: botocore's data loader, once the first aiobotocore session here has made it.
_LOADER: list[Any] = []
AIO_MISSING: Final = "the async emulator client needs aiobotocore: pip install 'optjob-sdk[aio]'"


class _Body:
    """The raw-stream interface botocore's AWSResponse reads from."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


class _AsyncBody:
    """The raw-stream interface aiobotocore's AioAWSResponse reads from (``await read()``)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    async def read(self) -> bytes:
        return self._data


def _reply(service: FakeOptimizationService, request: Any) -> Answer:
    """``service``'s answer to a prepared botocore request (both in-process clients' core).

    A dropped answer raises botocore's ConnectionClosedError: the network failure that
    botocore and aiobotocore both retry.
    """
    from botocore.exceptions import ConnectionClosedError

    target = request.headers.get("X-Amz-Target", b"")
    if isinstance(target, bytes):
        target = target.decode()
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode()
    elif not isinstance(body, bytes):
        body = body.read()
    try:
        return service.handle(str(target), body)
    except _Dropped:
        raise ConnectionClosedError(endpoint_url=request.url) from None


def _client_options(service: FakeOptimizationService, kwargs: dict[str, Any]) -> dict[str, Any]:
    """``create_client``'s keywords: the service's region, dummy credentials (never the
    caller's), the endpoint where nothing listens; ``kwargs`` over them."""
    options: dict[str, Any] = {
        "region_name": service.region,
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
        "aws_session_token": "testing",
        "endpoint_url": _NOWHERE,
    }
    options.update(kwargs)
    return options


def in_process_client(service: FakeOptimizationService, **kwargs: Any) -> Any:
    from botocore.awsrequest import AWSResponse

    def answer(request: Any, **_: Any) -> Any:
        reply = _reply(service, request)
        headers: Any = reply.headers  # botocore wants HTTPHeaders; a dict reads the same
        return AWSResponse(request.url, reply.status, headers, _Body(reply.body))

    # boto3's own overloads name every AWS service; only the SageMaker one matters here.
    boto3: Any = importlib.import_module("boto3")
    client = boto3.client("sagemaker", **_client_options(service, kwargs))
    client.meta.events.register_first(_BEFORE_SEND, answer)
    return client


def in_process_aio_client(service: FakeOptimizationService, **kwargs: Any) -> Any:
    """aiobotocore's client context manager, its requests answered by ``service``."""
    try:
        # Untyped here (like boto3 above): the client is typed where it is used.
        awsrequest: Any = importlib.import_module("aiobotocore.awsrequest")
        session: Any = importlib.import_module("aiobotocore.session").AioSession()
    except ModuleNotFoundError as error:
        if (error.name or "aiobotocore").partition(".")[0] != "aiobotocore":
            raise  # something aiobotocore itself needs: its own message says more
        raise ModuleNotFoundError(AIO_MISSING, name="aiobotocore") from error
    import asyncio

    async def answer(request: Any, **_: Any) -> Any:
        if _latency_armed(service):
            # A latency fault sleeps for real inside handle(): in a worker thread, so that
            # it holds up this call only, as a slow network would, not the whole loop.
            reply = await asyncio.to_thread(_reply, service, request)
        else:
            # Answered on the loop (calls and clock moves interleave deterministically),
            # but after one turn of it: a call always suspends, as a real one does.
            await asyncio.sleep(0)
            reply = _reply(service, request)
        headers: Any = reply.headers
        return awsrequest.AioAWSResponse(request.url, reply.status, headers, _AsyncBody(reply.body))

    # On the session: the client it makes copies its handlers, this one first of all.
    session.get_component("event_emitter").register_first(_BEFORE_SEND, answer)
    # A new session would read and parse botocore's SageMaker model again (~0.15 s): every
    # session made here shares the first one's loader, which caches what it read.
    if not _LOADER:
        _LOADER.append(session.get_component("data_loader"))
    session.register_component("data_loader", _LOADER[0])
    return session.create_client("sagemaker", **_client_options(service, kwargs))


def _latency_armed(service: FakeOptimizationService) -> bool:
    """Whether a latency fault is set on any operation (it may fire on this call)."""
    with service._lock:
        return any(
            fault.kind == "latency" for faults in service._faults.values() for fault in faults
        )


#: Seconds a connection may sit idle, or a request take to arrive, before it is closed.
DEFAULT_TIMEOUT: Final = 15.0
#: Connections served at once; one more gets a 503 ServiceUnavailable (botocore retries it).
DEFAULT_MAX_CONNECTIONS: Final = 64
#: The largest request body accepted (413 beyond). Every member of the largest valid
#: CreateOptimizationJob request at its longest, JSON-escaped, comes to under 3 MiB.
MAX_BODY: Final = 8 * 1024 * 1024


def _raw_answer(reply: Answer, *, close: bool) -> bytes:
    """``reply`` as bytes on the wire (HTTP/1.1), for answers sent outside a handler."""
    head = [f"HTTP/1.1 {reply.status} {HTTPStatus(reply.status).phrase}"]
    head += [f"{key}: {value}" for key, value in reply.headers.items()]
    head.append(f"Content-Length: {len(reply.body)}")
    if close:
        head.append("Connection: close")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + reply.body


def _http_error(status: int, code: str, message: str) -> Answer:
    return error_answer(status, code, message, str(uuid.uuid4()))


def _handler_for(
    service: FakeOptimizationService, seconds: float, max_body: int
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as botocore's connection pool expects
        # StreamRequestHandler makes this the socket's timeout: an idle keep-alive
        # connection, or a body shorter than its Content-Length, cannot hold this thread
        # for longer.
        timeout = seconds

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in two writes; without this, Nagle's algorithm and
            # delayed ACKs add ~40 ms to every keep-alive request.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_POST(self) -> None:
            body = self._read_body()
            if body is None:
                return  # answered already
            target = self.headers.get("X-Amz-Target", "")
            try:
                reply = service.handle(target, body)
            except _Dropped:
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            self._send(reply)

        def _read_body(self) -> bytes | None:
            """The request body, or None once a framing problem has been answered (and the
            connection marked for closing: the rest of the stream cannot be trusted)."""
            if self.headers.get("Transfer-Encoding") is not None:
                self._send(
                    _http_error(411, "LengthRequired", "A Content-Length is required."),
                    close=True,
                )
                return None
            values = self.headers.get_all("Content-Length") or ["0"]
            text = values[0].strip()
            if len(set(values)) != 1 or not _DIGITS.fullmatch(text):
                shown = ", ".join(repr(value[:20]) for value in values[:3])
                self._send(
                    _http_error(
                        400,
                        "SerializationException",
                        f"Content-Length must be one non-negative integer, not {shown}",
                    ),
                    close=True,
                )
                return None
            # At most 20 digits reach int(): no 4,300-digit conversion.
            length = int(text) if len(text) <= 20 else max_body + 1
            if length > max_body:
                self._send(
                    _http_error(
                        413,
                        "RequestEntityTooLargeException",
                        f"The request body is larger than {max_body} bytes.",
                    ),
                    close=True,
                )
                return None
            try:
                body = self.rfile.read(length)
            except (TimeoutError, OSError):
                body = b""
            if len(body) < length:
                self._send(
                    _http_error(
                        400,
                        "SerializationException",
                        f"The request body ended before its Content-Length ({length} bytes) "
                        f"within {seconds:g} s.",
                    ),
                    close=True,
                )
                return None
            return body

        def _send(self, reply: Answer, *, close: bool = False) -> None:
            if close:
                self.close_connection = True
            try:
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(reply.body)))
                if close:
                    self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(reply.body)
                self.wfile.flush()
            except OSError:
                self.close_connection = True  # the client went away: nobody to tell

        def send_error(
            self, code: int, message: str | None = None, explain: str | None = None
        ) -> None:
            """http.server's own errors (a malformed request line, too many headers, GET...),
            answered in the AWS JSON 1.1 error shape instead of an HTML page."""
            phrase = HTTPStatus(code).phrase if code in _STATUSES else "Error"
            text = (message or phrase)[:200]
            name = "UnknownOperationException" if code == 501 else phrase.replace(" ", "")
            self._send(_http_error(code, name, text), close=True)

        def log_message(self, format: str, *args: Any) -> None:
            return  # quiet: request bodies may carry secrets, and tests read stderr

    return Handler


_DIGITS: Final = re.compile(r"[0-9]+")
_STATUSES: Final = frozenset(status.value for status in HTTPStatus)


class _Server(ThreadingHTTPServer):
    """The HTTP server: 127.0.0.1 only, a thread per connection up to a bound."""

    daemon_threads = True

    def __init__(
        self,
        service: FakeOptimizationService,
        port: int,
        *,
        timeout: float,
        max_connections: int,
        max_body: int,
    ) -> None:
        if not timeout > 0:
            raise ValueError(f"timeout must be positive, not {timeout!r}")
        if max_connections < 1:
            raise ValueError(f"max_connections must be at least 1, not {max_connections!r}")
        self._slots = threading.BoundedSemaphore(max_connections)
        try:
            super().__init__((LOOPBACK, port), _handler_for(service, timeout, max_body))
        except OSError as error:
            raise OSError(
                error.errno, f"cannot listen on {LOOPBACK}:{port}: {error.strerror or error}"
            ) from error

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.server_address[1]}"

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            # Every thread is busy: answer at once rather than queue without bound.
            reply = _http_error(503, "ServiceUnavailable", "Too many connections; retry.")
            with contextlib.suppress(OSError):
                request.settimeout(1.0)
                request.sendall(_raw_answer(reply, close=True))
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that vanished mid-answer is no news; anything else is the emulator's bug.
        _log.debug("connection from %s ended with an error", client_address, exc_info=True)


@contextlib.contextmanager
def serve(
    service: FakeOptimizationService,
    port: int = 0,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_connections: int = DEFAULT_MAX_CONNECTIONS,
    max_body: int = MAX_BODY,
) -> Generator[str]:
    """Serve ``service`` on 127.0.0.1 (only) in a background thread; yields the URL."""
    server = _Server(
        service, port, timeout=timeout, max_connections=max_connections, max_body=max_body
    )
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},  # shutdown() waits up to one poll interval
        name="optjob-emulator",
        daemon=True,
    )
    thread.start()
    try:
        yield server.url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def serve_forever(
    service: FakeOptimizationService | None = None,
    port: int = 0,
    *,
    ready: Any = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_connections: int = DEFAULT_MAX_CONNECTIONS,
) -> None:
    """Serve until interrupted (Ctrl-C); ``ready(url)`` is called once listening.

    Raises OSError (naming the address) when the port cannot be had, e.g. when it is in use.
    """
    from optjob_sdk.testing._service import FakeOptimizationService

    service = service if service is not None else FakeOptimizationService(realtime=True)
    server = _Server(
        service, port, timeout=timeout, max_connections=max_connections, max_body=MAX_BODY
    )
    if ready is not None:
        ready(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
