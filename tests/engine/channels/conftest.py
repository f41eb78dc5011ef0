"""Real servers on 127.0.0.1 for channel tests: an SMTP server (aiosmtpd), a robot-webhook HTTP
server, a port nobody listens on, and a port that accepts connections but never answers."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"
SMTP_USER = "qingdan"
SMTP_PASSWORD = "pw-never-in-a-detail"


def free_port() -> int:
    """A port that was free a moment ago (aiosmtpd's Controller cannot bind port 0 itself)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


# ---------------------------------------------------------------- SMTP


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    subject: str
    body: str
    message: email.message.EmailMessage


class RecordingHandler:
    """An aiosmtpd handler that records decoded mail and can be told to refuse."""

    def __init__(self) -> None:
        self.mails: list[ReceivedMail] = []
        self.rcpt_reply: str | None = None  # e.g. "550 5.1.1 no such user"
        self.data_reply: str | None = None
        self.password = SMTP_PASSWORD

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply:
            return self.data_reply
        mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.mails.append(
            ReceivedMail(
                mail_from=envelope.mail_from,
                rcpt_tos=list(envelope.rcpt_tos),
                subject=str(mail["Subject"]),
                body=mail.get_body(preferencelist=("plain",)).get_content(),  # the text part of a text+HTML mail
                message=mail,
            )
        )
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data == (SMTP_USER.encode(), self.password.encode())
        # handled=False makes aiosmtpd answer 535 itself; with True the client would wait forever
        return AuthResult(success=ok, handled=False)


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: RecordingHandler


@pytest.fixture
def smtp_server():
    handler = RecordingHandler()
    # AUTH without TLS is fine on loopback and lets the tests cover login.
    controller = Controller(handler, hostname=HOST, port=free_port(), authenticator=handler.authenticate, auth_require_tls=False)
    controller.start()
    try:
        yield SmtpServer(HOST, controller.port, handler)
    finally:
        controller.stop()


# ---------------------------------------------------------------- HTTP robot


@dataclass
class RobotRequest:
    path: str
    query: dict[str, list[str]]
    raw_query: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self):
        return json.loads(self.body.decode("utf-8"))


@dataclass
class RobotServer:
    host: str
    port: int
    requests: list[RobotRequest] = field(default_factory=list)
    status: int = 200
    answer: bytes = b'{"errcode":0,"errmsg":"ok"}'
    headers: dict[str, str] = field(default_factory=dict)
    #: when set, the handler waits on ``release`` before answering (a slow server)
    hold: bool = False
    release: threading.Event = field(default_factory=threading.Event)

    def reply(self, status: int = 200, answer: dict | bytes | None = None, **headers: str) -> None:
        self.status = status
        if answer is not None:
            self.answer = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
        self.headers = headers

    def url(self, path: str = "/robot/send", **query: str) -> str:
        q = urllib.parse.urlencode(query)
        return f"http://{self.host}:{self.port}{path}" + (f"?{q}" if q else "")


class _RobotHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        robot: RobotServer = self.server.robot
        parts = urllib.parse.urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        robot.requests.append(
            RobotRequest(
                path=parts.path,
                query=urllib.parse.parse_qs(parts.query),
                raw_query=parts.query,
                headers=dict(self.headers.items()),
                body=body,
            )
        )
        if robot.hold:
            robot.release.wait(10)
        self.send_response(robot.status)
        self.send_header("Content-Type", "application/json")
        for name, value in robot.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(robot.answer)))
        self.end_headers()
        self.wfile.write(robot.answer)

    def log_message(self, format, *args):  # keep test output clean
        pass


class _Server(ThreadingHTTPServer):
    # Non-daemon handler threads are joined by server_close(), so none outlives the test.
    daemon_threads = False


@pytest.fixture
def robot_server(monkeypatch):
    # urllib honours *_proxy variables (as it should in production); loopback must bypass them.
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.setenv(name, f"{HOST},localhost")
    server = _Server((HOST, 0), _RobotHandler)
    robot = RobotServer(HOST, server.server_address[1])
    server.robot = robot
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield robot
    finally:
        robot.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


# ---------------------------------------------------------------- broken peers


@pytest.fixture
def closed_port() -> int:
    """A port with no listener: connecting is refused at once."""
    return free_port()


@pytest.fixture
def silent_port():
    """A port whose listener accepts connections (kernel backlog) but never says a word."""
    with socket.socket() as listener:
        listener.bind((HOST, 0))
        listener.listen(8)
        yield listener.getsockname()[1]
