"""``qingdan users ...`` and ``qingdan serve`` as real subprocesses."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import YANTING


@pytest.fixture
def loaded(qingdan):
    result = qingdan("load", YANTING, now="2017-03-01T09:00")
    assert result.returncode == 0, result.stderr
    return qingdan


def test_users_lifecycle(loaded):
    qingdan = loaded
    added = qingdan("users", "add", "zhang1", "--role", "staff", "--person", "yanting-wenguang-2017:zhang", "--name", "张明")
    assert added.returncode == 0, added.stderr
    assert "已建账号 zhang1" in added.stdout and re.search(r"初始密码.*:\w{4}-\w{4}-\w{4}-\w{4}$", added.stdout, re.M)
    piped = qingdan("users", "add", "wang1", "--role", "head", "--person", "wang", "--password-stdin", input="a-long-password\n")
    assert piped.returncode == 0 and "初始密码" not in piped.stdout
    token = qingdan("users", "token", "zhang1")
    assert token.returncode == 0 and token.stdout.strip().startswith("qd_")
    listing = qingdan("users", "list")
    assert "zhang1" in listing.stdout and "yanting-wenguang-2017:zhang" in listing.stdout and "*:wang" in listing.stdout
    reset = qingdan("users", "reset", "zhang1")
    assert reset.returncode == 0 and "新密码" in reset.stdout
    assert qingdan("users", "disable", "zhang1").returncode == 0
    assert "停用" in qingdan("users", "list").stdout
    assert qingdan("users", "enable", "zhang1").returncode == 0
    linked = qingdan("users", "link", "zhang1", "yanting-wenguang-2017:chen")
    assert linked.returncode == 0 and "yanting-wenguang-2017:chen" in linked.stdout
    # disabling revoked the token for good: enabling the account again brought none back
    assert qingdan("users", "token", "zhang1", "--revoke").stdout.strip() == "已作废 0 个令牌。"
    assert qingdan("audit", "verify").returncode == 0


@pytest.mark.parametrize(
    "args, words",
    [
        (("users", "add", "x1", "--role", "staff", "--person", "yanting-wenguang-2017:nobody"), "中没有人员 “nobody”"),
        (("users", "add", "x1", "--role", "staff", "--person", "other-list:zhang"), "没有清单 “other-list”"),
        (("users", "add", "bad id", "--role", "staff"), "只能由字母"),
        (("users", "disable", "ghost"), "没有账号 “ghost”"),
        (("users", "reset", "ghost", "--password-stdin"), "标准输入中没有读到密码"),
    ],
)
def test_users_refusals(loaded, args, words):
    result = loaded(*args, input="")
    assert result.returncode == 1 and words in result.stderr and "Traceback" not in result.stderr


def test_users_warns_about_unknown_person_in_every_checklist(loaded):
    result = loaded("users", "add", "x2", "--role", "staff", "--person", "someone-later")
    assert result.returncode == 0 and "警告" in result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, process, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stdout.read())
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status, response.read().decode()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in {seconds} s")


@pytest.mark.slow
def test_serve_demo(qingdan, tmp_path):
    """The README's main command: a fresh database, the shipped lists, demo accounts with printed passwords,
    waitress on a free port, the scheduler in the same process."""
    port = _free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("QINGDAN_")}
    environ.update({"QINGDAN_DATABASE_URL": qingdan.db_url, "QINGDAN_HOME": str(tmp_path / "home"), "PYTHONUNBUFFERED": "1"})
    process = subprocess.Popen(
        [qingdan.executable, "serve", "--demo", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environ,
        cwd=tmp_path,
    )
    try:
        status, page = _wait(f"http://127.0.0.1:{port}/login", process)
        assert status == 200 and 'name="password"' in page
        spec = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/api/openapi.json", timeout=5).read())
        assert spec["openapi"] == "3.1.0"
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert "yanting-wenguang-2017" in output and "demo-inspector" in output and "demo-admin" in output
    assert re.search(r"demo-staff\s+\S{19}", output)
    assert "催办调度已在本进程运行" in output and "Traceback" not in output
    status = qingdan("status", "yanting-wenguang-2017", "--json", now="2017-07-21T10:00")
    tasks = {t["id"]: t for t in json.loads(status.stdout)["tasks"]}
    assert tasks["T4"]["progress"]["done"] == 2854 and tasks["T4"]["parts"]["poor"]["done"] == 163  # the seed's mid-year figures


def test_serve_help(qingdan):
    result = qingdan("serve", "--help")
    assert result.returncode == 0 and "--no-scheduler" in result.stdout and "--demo" in result.stdout
