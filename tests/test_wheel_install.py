"""The demo from a real install: a wheel built from a clean copy of the source, installed into a fresh virtual
environment, run from a folder outside the repository. ``qingdan db upgrade`` runs the migrations shipped in the
wheel, and ``qingdan serve --demo`` loads the shipped lists (package data, found through ``importlib.resources``),
which a demo account then sees over HTTP.

How it is installed, and why:
- The wheel is built with ``pip wheel --no-deps --no-build-isolation`` from a copy of the tree without ``build/``,
  ``.venv`` or ``*.egg-info``: no build isolation means no download of setuptools (setuptools ≥ 70.1 builds wheels
  itself), and the copy keeps a stale ``build/lib`` (setuptools never deletes from it) out of the wheel.
- The fresh venv is made ``--without-pip`` (no ensurepip, a second instead of several) and the wheel is installed
  with this venv's pip (``pip --python``) with ``--no-deps --no-index``: nothing is downloaded.
- The third-party dependencies come from this venv's site-packages through one ``.pth`` line, appended after the
  fresh venv's own site-packages. Installing them from the package index would take a minute and depends on what
  the configured index holds; the ``.pth`` gives the same, pinned versions in no time. It cannot let the source
  tree in: a ``.pth`` line adds a folder to ``sys.path`` but the ``.pth`` files inside that folder (the editable
  install's finder) are not run, the repository is never on the path (the commands run in a temporary folder), and
  the test checks that ``engine`` is imported from the fresh venv.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

LIST_TITLES = {
    "yanting-wenguang-2017": "盐亭县文化广电旅游局2017年脱贫攻坚工作任务清单",
    "huangjin-village-2019": "县政府办驻黄金村精准扶贫2019年工作任务清单",
    "town-rectification-2019": "某镇2019年脱贫攻坚问题整改和重点工作任务清单",
}
SKIPPED = {".git", ".venv", "build", "dist", "tests", "bench", "__pycache__", ".ruff_cache", ".pytest_cache", ".hypothesis"}


def _copy_ignore(folder, names):
    return {n for n in names if n in SKIPPED or n.endswith(".egg-info") or n.endswith(".pyc")}


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with the qingdan wheel installed: its ``bin`` folder."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=_copy_ignore)
    wheels = work / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(source)],
        check=True,
        cwd=work,
        capture_output=True,
    )
    (wheel,) = wheels.glob("qingdan-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        cwd=work,
        capture_output=True,
    )
    fresh = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True)
    Path(fresh.stdout.strip(), "zz_third_party.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return venv / "bin"


def _environment(db_url: str, home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QINGDAN_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update({"QINGDAN_DATABASE_URL": db_url, "QINGDAN_HOME": str(home), "QINGDAN_LANG": "zh", "PYTHONDONTWRITEBYTECODE": "1"})
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_wheel_ships_the_lists_and_runs_its_own_migrations(installed, db_url, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = _environment(db_url, tmp_path / "home")

    where = subprocess.run(
        [str(installed / "python"), "-c", "import engine, checklists; print(engine.__file__); print(checklists.__file__)"],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    for line in where.stdout.split():
        assert str(installed.parent) in line and str(ROOT) not in line, where.stdout

    upgraded = subprocess.run([str(installed / "qingdan"), "db", "upgrade"], cwd=outside, env=env, capture_output=True, text=True)
    assert upgraded.returncode == 0, upgraded.stderr
    from engine.store.migrate import head_revision

    head = head_revision()  # the source tree's newest migration: the wheel must carry all of them
    assert upgraded.stdout.strip().endswith(f"→ {head}"), upgraded.stdout
    current = subprocess.run([str(installed / "qingdan"), "db", "current"], cwd=outside, env=env, capture_output=True, text=True)
    assert current.stdout.split()[0] == head, current.stdout + current.stderr


def test_the_installed_demo_loads_the_shipped_lists(installed, db_url, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    port = _free_port()
    server = subprocess.Popen(
        [str(installed / "qingdan"), "serve", "--demo", "--no-scheduler", "--threads", "2", "--port", str(port)],
        cwd=outside,
        env=_environment(db_url, tmp_path / "home"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        printed = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            if not line:
                break
            printed.append(line)
            if "http://" in line:
                break
        output = "".join(printed)
        for checklist_id in LIST_TITLES:
            assert f"已载入清单 {checklist_id}" in output, output
        passwords = dict(re.findall(r"^\s+(demo-[a-z]+)\s+(\S+)\s*$", output, re.MULTILINE))
        assert "demo-head" in passwords, output

        base = f"http://127.0.0.1:{port}"
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        for _ in range(100):  # the server prints the address just before it starts listening
            try:
                login_page = opener.open(f"{base}/login", timeout=10).read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.1)
        token = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
        form = urllib.parse.urlencode({"csrf_token": token, "account": "demo-head", "password": passwords["demo-head"]}).encode()
        opener.open(f"{base}/login", data=form, timeout=10).read()
        board = opener.open(f"{base}/board/", timeout=30).read().decode("utf-8")
        for title in LIST_TITLES.values():
            assert title in board
        yanting = opener.open(f"{base}/board/yanting-wenguang-2017", timeout=30).read().decode("utf-8")
        assert "2854" in yanting.replace(",", "")  # the mid-year screenings the demo replays: the seeding ran too
        stylesheet = re.search(r'href="(/static/[^"]+\.css[^"]*)"', board).group(1)
        assert opener.open(f"{base}{stylesheet}", timeout=10).status == 200  # static files are in the wheel too
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stdout.close()
