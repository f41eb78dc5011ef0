"""The 督办 and 延期 commands, run as installed: issue, reply with a file, read the thread, close; request and
decide an extension; refusals in words with exit code 1."""

import pytest

from tests.conftest import YANTING


@pytest.fixture
def loaded(qingdan):
    assert qingdan("load", YANTING, now="2017-03-01T09:00").returncode == 0
    return qingdan


def test_supervise_reply_and_close(loaded, tmp_path):
    q = loaded
    issued = q(
        "supervise",
        "T1",
        "林农镇玉城村",
        "--colour",
        "red",
        "--instruction",
        "限期完成招标",
        "--reply-by",
        "2017-03-03",
        "--as",
        "li",
        now="2017-03-01T10:00",
    )
    assert issued.returncode == 0, issued.stderr
    assert "已下发督办单 1(红色督办(已逾期))" in issued.stdout and "2017-03-03" in issued.stdout
    refused = q("reply", "1", "--text", "x", "--as", "chen", now="2017-03-01T11:00")
    assert refused.returncode == 1 and "只有责任人可以" in refused.stderr and "Traceback" not in refused.stderr
    photo = tmp_path / "现场.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\nfake")
    replied = q("reply", "1", "--text", "已开标", "--file", photo, "--as", "zhang", now="2017-03-02T09:00")
    assert replied.returncode == 0, replied.stderr
    assert "附 1 个文件" in replied.stdout
    thread = q("supervisions", "T1", now="2017-03-02T10:00")
    assert "#1 红色督办(已逾期) 林农镇玉城村 · 李文华" in thread.stdout and "已回复" in thread.stdout
    assert "↳ 张明: 已开标 [现场.png]" in thread.stdout
    assert q("close-supervision", "1", "--as", "li", now="2017-03-02T11:00").returncode == 0
    assert "已办结" in q("supervisions", "T1", now="2017-03-02T12:00").stdout
    assert q("audit", "verify", now="2017-03-02T12:00").returncode == 0


def test_bad_colour_is_refused_in_words(loaded):
    result = loaded(
        "supervise", "T1", "--colour", "green", "--instruction", "x", "--reply-by", "2017-03-03", "--as", "li", now="2017-03-01T10:00"
    )
    assert result.returncode == 1 and "督办颜色应为" in result.stderr


def test_extension_request_and_decide(loaded):
    q = loaded
    asked = q(
        "extension", "request", "T1", "林农镇玉城村", "--to", "2017-07-31", "--reason", "流标重招", "--as", "zhang", now="2017-03-01T10:00"
    )
    assert asked.returncode == 0, asked.stderr
    assert "“施工中” 2017-07-20 → 2017-07-31" in asked.stdout
    refused = q("extension", "decide", "1", "--refuse", "--as", "li", now="2017-03-01T11:00")
    assert refused.returncode == 1 and "不同意延期时请写明理由" in refused.stderr
    approved = q("extension", "decide", "1", "--approve", "--as", "li", now="2017-03-01T11:00")
    assert approved.returncode == 0 and "已同意" in approved.stdout
    assert "延期申请 #1 林农镇玉城村:2017-07-20 → 2017-07-31(原定 2017-07-20)" in q("supervisions", "T1", now="2017-03-01T12:00").stdout
    assert q("audit", "verify", now="2017-03-01T12:00").returncode == 0
