"""`python -m bot run` for real: long polling over HTTP against a local Bot API stand-in.

The other tests drive the application in-process; this one runs the command a server runs,
with python-telegram-bot's own HTTP transport, polling, job queue and signal handling, so
that start-up, the command list, answering, the log and a graceful stop are checked whole.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest

from bot.fakeapi import FakeBotApi, UpdateFactory

TOKEN = "123456:SECRET-token-that-must-never-be-logged"
STRANGER = 555
WAIT_SECONDS = 30
LONG_POLL_SECONDS = 0.05


class LocalBotApi:
    """Serve the Bot API over HTTP on loopback from a FakeBotApi, with queued updates."""

    def __init__(self) -> None:
        self.api = FakeBotApi()
        self.updates = UpdateFactory(self.api)
        self.pending: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.answered = threading.Event()
        self.stopping = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """The TELEGRAM_API_BASE_URL that points at this server."""
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/bot"

    def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, bytes]:
        if method == "getUpdates":
            offset = int(params.get("offset", 0) or 0)
            with self.lock:
                self.pending = [u for u in self.pending if u["update_id"] >= offset]
                batch = list(self.pending)
            if not batch:
                # A short long poll, as Telegram holds getUpdates open; ends early on stop.
                self.stopping.wait(LONG_POLL_SECONDS)
            return 200, json.dumps({"ok": True, "result": batch}).encode()
        with self.lock:
            status, body = self.api.answer(method, params)
            if method == "sendMessage" and str(params.get("chat_id")) == str(STRANGER):
                self.answered.set()
        return status, body

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    params = json.loads(raw or "{}")
                else:
                    params = dict(parse_qsl(raw))
                status, body = outer._answer(self.path.rsplit("/", 1)[-1], params)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the bot stopped while a long poll was open: nothing to answer

            def log_message(self, *_args: object) -> None:
                """Keep the test output clean."""

        return Handler


@pytest.fixture
def local_api() -> Iterator[LocalBotApi]:
    """A Bot API stand-in on a loopback port, stopped after the test."""
    server = LocalBotApi()
    server.thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.server.shutdown()
        server.server.server_close()


def start_run(local_api: LocalBotApi, tmp_path: Path, **settings: str) -> subprocess.Popen[str]:
    """Start `python -m bot run` against the local Bot API, with these extra settings."""
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": local_api.base_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        **settings,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # a process group of its own, as under a service manager
    )


def test_run_polls_answers_and_stops_cleanly(local_api: LocalBotApi, tmp_path: Path) -> None:
    stranger = local_api.updates.user(STRANGER, "Fremmed")
    local_api.pending.append(local_api.updates.message(stranger, "mia komm pegede på saft"))
    process = start_run(local_api, tmp_path, LOG_LEVEL="DEBUG")
    try:
        answered = local_api.answered.wait(WAIT_SECONDS)
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=WAIT_SECONDS)

    assert answered, output
    assert process.returncode == 0, output
    # The stranger got the polite refusal, and nothing about residents.
    replies = [c.params.get("text", "") for c in local_api.api.calls_to("sendMessage")]
    assert len(replies) == 1
    assert "kun for registrerede medarbejdere" in replies[0]
    # The command list was registered, in Danish and in English.
    scopes = [c.params.get("language_code") for c in local_api.api.calls_to("setMyCommands")]
    assert sorted(scopes, key=str) == sorted([None, "en"], key=str)
    # Even at DEBUG, where python-telegram-bot logs its API URL, the token never reaches the
    # log. (Note text is kept out at INFO; at DEBUG the library logs whole updates.)
    assert "Set Bot API URL" in output
    assert TOKEN not in output
    assert "SECRET" not in output
    # Files are fetched from the same self-hosted server, not from api.telegram.org.
    assert "api.telegram.org" not in output


def _replies(local_api: LocalBotApi, chat_id: int) -> list[str]:
    with local_api.lock:
        calls = local_api.api.calls_to("sendMessage")
    return [str(c.params.get("text", "")) for c in calls if int(c.params["chat_id"]) == chat_id]


def _two_workers_answer(
    local_api: LocalBotApi, tmp_path: Path, stop: signal.Signals, *, whole_group: bool
) -> tuple[subprocess.Popen[str], str, list[dict[str, Any]]]:
    """Two strangers (ids of different parity: a worker each) send two messages each; once
    all four are answered, send stop to the front or to its whole process group."""
    people = [local_api.updates.user(STRANGER, "Fremmed"), local_api.updates.user(556, "Anden")]
    for person in (*people, *people):
        local_api.pending.append(local_api.updates.message(person, "mia komm pegede på saft"))
    process = start_run(local_api, tmp_path, BOT_WORKERS="2")
    deadline = time.monotonic() + WAIT_SECONDS
    try:
        while time.monotonic() < deadline and not all(
            len(_replies(local_api, int(p["id"]))) == 2 for p in people
        ):
            time.sleep(0.05)
    finally:
        if whole_group:
            os.killpg(process.pid, stop)  # as systemd and docker stop do
        else:
            process.send_signal(stop)
        output, _ = process.communicate(timeout=WAIT_SECONDS)
    return process, output, people


def _assert_each_worker_finished_two(output: str) -> None:
    assert "worker 0 done after 2 updates" in output
    assert "worker 1 done after 2 updates" in output
    assert "front stopped after 4 updates" in output


def test_run_with_two_workers_hands_each_person_to_one_worker(
    local_api: LocalBotApi, tmp_path: Path
) -> None:
    process, output, people = _two_workers_answer(
        local_api, tmp_path, signal.SIGINT, whole_group=False
    )

    assert process.returncode == 0, output
    for person in people:
        answers = _replies(local_api, int(person["id"]))
        assert len(answers) == 2, output
        assert all("kun for registrerede medarbejdere" in a for a in answers)
    # Each worker got exactly one person's two updates, and finished them before stopping.
    _assert_each_worker_finished_two(output)
    # Only the primary worker registered the command list (Danish and English, once each).
    scopes = [c.params.get("language_code") for c in local_api.api.calls_to("setMyCommands")]
    assert sorted(scopes, key=str) == sorted([None, "en"], key=str)
    assert TOKEN not in output


def test_sigterm_to_the_whole_group_lets_the_workers_finish(
    local_api: LocalBotApi, tmp_path: Path
) -> None:
    process, output, _people = _two_workers_answer(
        local_api, tmp_path, signal.SIGTERM, whole_group=True
    )

    # The workers ignore the signal and stop when the front closes their input, after the
    # updates they read: nobody is killed half-way, and the front exits cleanly.
    assert process.returncode == 0, output
    _assert_each_worker_finished_two(output)
