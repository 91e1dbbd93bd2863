"""One vocabulary: every text in both languages with the same parameters, errors rendered in the
language current when shown, and the command line's messages in Chinese by default."""

from __future__ import annotations

import ast
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

import gridmap
from gridmap.cli import main
from gridmap.errors import GridmapError, ParameterError, check_number
from gridmap.io.validate import LayerError
from gridmap.vocab import CATALOG, LANG_ENV, Message, current_language, placeholders, set_language, text, using_language
from gridmap.vocab.app import APP_TEXT
from gridmap.vocab.cli import CLI_TEXT
from gridmap.vocab.maps import MAP_TEXT
from gridmap.vocab.messages import MESSAGES
from gridmap.vocab.report import REPORT_TEXT
from gridmap.vocab.validation import VALIDATION

#: Unit words the English notice leaves out ("1,234" rather than "1,234 households" under a header).
EMPTY_IN_ENGLISH = {"notice_hh_unit", "notice_pop_unit", "notice_count_unit"}


def test_every_msgid_has_both_languages_with_the_same_parameters() -> None:
    parts = (MESSAGES, VALIDATION, CLI_TEXT, MAP_TEXT, REPORT_TEXT, APP_TEXT)
    assert len(CATALOG) == sum(map(len, parts))  # no id twice
    for msgid, entry in CATALOG.items():
        assert set(entry) == {"zh", "en"}, msgid
        assert entry["zh"].strip(), msgid
        assert entry["en"].strip() or msgid in EMPTY_IN_ENGLISH, msgid
        assert placeholders(entry["zh"]) == placeholders(entry["en"]), msgid


def test_every_error_message_is_chinese_in_chinese() -> None:
    """A translation, not a copy: each error text and finding in Chinese holds a Chinese character (or is a symbol)."""
    for msgid, entry in {**MESSAGES, **VALIDATION, **CLI_TEXT}.items():
        if any(c.isalpha() for c in re.sub(r"\{[^}]*\}", "", entry["en"])):
            assert any("\u4e00" <= c <= "\u9fff" for c in entry["zh"]), msgid


def test_the_language_comes_from_the_setting_then_the_environment_then_chinese(monkeypatch) -> None:
    monkeypatch.delenv(LANG_ENV, raising=False)
    assert current_language() == "zh"
    monkeypatch.setenv(LANG_ENV, "en_US")
    assert current_language() == "en"
    monkeypatch.setenv(LANG_ENV, "klingon")
    assert current_language() == "zh"
    with using_language("en"):
        assert current_language() == "en"
        with using_language("zh"):
            assert current_language() == "zh"
        assert current_language() == "en"
    assert current_language() == "zh"
    try:
        assert set_language("en") == "en" and current_language() == "en"
    finally:
        set_language(None)


def test_an_error_renders_when_shown_not_when_raised() -> None:
    with using_language("zh"):
        err = LayerError("err_no_such_file", path="a.shp")
    with using_language("en"):
        assert str(err) == "a.shp: no such file."
    with using_language("zh"):
        assert str(err) == "a.shp：文件不存在。"
    assert err.message == Message("err_no_such_file", path="a.shp")
    again = pickle.loads(pickle.dumps(err))  # a dask worker's error reaches the client whole
    assert type(again) is LayerError and again.render("en") == err.render("en")
    plain = GridmapError("no id, no parameters: kept as written")
    assert str(plain) == "no id, no parameters: kept as written"
    with pytest.raises(KeyError):
        GridmapError("err_no_such_message", x=1)


def test_a_refused_number_reads_in_both_languages() -> None:
    with pytest.raises(ParameterError) as caught:
        check_number(-1, "--gap-width", "metres", minimum=0, maximum=50, example="5")
    assert caught.value.render("en") == "--gap-width must be a finite number of metres ≥ 0 and ≤ 50, got -1 (e.g. 5)"
    assert caught.value.render("zh") == "--gap-width 须为 ≥ 0 且 ≤ 50 的有限数（单位：米），实际为 -1（例如 5）"
    with pytest.raises(ParameterError) as caught:
        check_number(2.5, "seed", integer=True)
    assert caught.value.render("zh") == "seed 须为整数，实际为 2.5"
    assert pickle.loads(pickle.dumps(caught.value)).render("en") == "seed must be a whole number, got 2.5"


def test_a_nested_message_renders_in_the_same_language() -> None:
    outer = Message("err_os", path="x", reason=Message("err_interrupted"))
    assert outer.render("zh") == "x：已中断；输出可能不完整。。"
    assert text("err_os", "en", path="x", reason="gone") == "x: gone."


def test_the_cli_speaks_chinese_by_default_and_english_with_lang_en(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.delenv(LANG_ENV, raising=False)
    argv = ["coverage", "--demo", "--gap-width", "-1", "--out", str(tmp_path)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：--gap-width 须为 ≥ 0") and "实际为 -1" in err
    assert main(["--lang", "en", *argv]) == 2
    assert capsys.readouterr().err.startswith("error: --gap-width must be a finite number of metres ≥ 0")
    assert current_language() == "zh"  # --lang held for that command only
    monkeypatch.setenv(LANG_ENV, "en")
    assert main(["--lang", "zh", *argv]) == 2
    assert capsys.readouterr().err.startswith("错误：")
    monkeypatch.delenv(LANG_ENV)
    missing = tmp_path / "nope.geojson"  # caught by the command itself, not by main: the same line
    argv = ["coverage", "--zones", f"party={missing}", "--area", str(missing), "--out", str(tmp_path), "--quiet"]
    assert main(argv) == 2
    assert capsys.readouterr().err.strip() == f"错误：{missing}：文件不存在。"
    assert main(["--lang", "en", *argv]) == 2
    assert capsys.readouterr().err.strip() == f"error: {missing}: no such file."


@pytest.mark.slow  # the installed command run twice in a new process
def test_the_installed_command_follows_gridmap_lang(tmp_path) -> None:
    argv = [sys.executable, "-m", "gridmap", "coverage", "--demo", "--gap-width", "nan", "--out", str(tmp_path)]
    for lang, start in (("zh", "错误：--gap-width 须为"), ("en", "error: --gap-width must be")):
        done = subprocess.run(argv, capture_output=True, text=True, encoding="utf-8", check=False,
                              env={**__import__("os").environ, LANG_ENV: lang})
        assert done.returncode == 2 and done.stderr.startswith(start), done.stderr


def _message_calls():
    """Every call in gridmap's code that names a message id literally: ``SomeError("err_…", k=…)``,
    ``Message("err_…", k=…)``, ``text("…", lang, k=…)``; as (file, line, id, keyword names or None
    when ``**kwargs`` passes them, whether a workspace error's code follows the id)."""
    root = Path(gridmap.__file__).parent
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            msgid = node.args[0].value
            if (name.endswith("Error") or name == "Message") and msgid.startswith("err_"):
                keywords = None if any(k.arg is None for k in node.keywords) else {k.arg for k in node.keywords}
                yield path.relative_to(root), node.lineno, msgid, keywords, len(node.args) > 1


def test_every_message_raised_is_in_the_catalog_with_its_parameters() -> None:
    """A typo in a message id would turn a helpful error into a KeyError: every id named in the code
    exists, and each call passes exactly the template's parameters."""
    calls = list(_message_calls())
    assert len(calls) > 350  # the scan sees the raises
    for where, line, msgid, keywords, coded in calls:
        assert msgid in CATALOG, (where, line, msgid)
        if keywords is None:
            continue
        if coded:  # WorkspaceError("err_ws_…", "code", **params): the params serve scripts too, a superset
            assert placeholders(CATALOG[msgid]["en"]) <= keywords, (where, line, msgid)
        else:
            assert keywords == placeholders(CATALOG[msgid]["en"]), (where, line, msgid)
