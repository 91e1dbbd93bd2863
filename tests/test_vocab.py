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
from gridmap.vocab.cli_help import CLI_HELP
from gridmap.vocab.maps import MAP_TEXT
from gridmap.vocab.messages import MESSAGES
from gridmap.vocab.report import REPORT_TEXT
from gridmap.vocab.validation import VALIDATION

#: Unit words the English notice leaves out ("1,234" rather than "1,234 households" under a header).
EMPTY_IN_ENGLISH = {"notice_hh_unit", "notice_pop_unit", "notice_count_unit"}


def test_every_msgid_has_both_languages_with_the_same_parameters() -> None:
    parts = (MESSAGES, VALIDATION, CLI_TEXT, CLI_HELP, MAP_TEXT, REPORT_TEXT, APP_TEXT)
    assert len(CATALOG) == sum(map(len, parts))  # no id twice
    for msgid, entry in CATALOG.items():
        assert set(entry) == {"zh", "en"}, msgid
        assert entry["zh"].strip(), msgid
        assert entry["en"].strip() or msgid in EMPTY_IN_ENGLISH, msgid
        assert placeholders(entry["zh"]) == placeholders(entry["en"]), msgid


def test_every_error_message_is_chinese_in_chinese() -> None:
    """A translation, not a copy: each error text and finding in Chinese holds a Chinese character (or is a symbol)."""
    for msgid, entry in {**MESSAGES, **VALIDATION, **CLI_TEXT, **CLI_HELP}.items():
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


# --------------------------------------------------------------------------------------------
# issue 13, "one vocabulary": no error text, progress line or help in English only


#: The only exceptions gridmap raises with a text of its own rather than a catalog id: programming
#: contracts that valid use never reaches (each is marked "# contract:" where it is raised). Anything
#: a user can cause (a file, a layer, an option, a workspace name) has a message id.
CONTRACTS = {
    ("__init__.py", "module 'gridmap' has no attribute"),  # Python's own module __getattr__ protocol
    ("access/routing.py", "one label per threshold"),
    ("analysis/planar.py", "snap rounding did not settle"),
    ("app/__init__.py", "two pages share the key"),
    ("app/__init__.py", "page module"),
    ("app/account.py", "unreachable: st.stop() raises"),
    ("app/context.py", "no data set: a page checks ctx.dataset"),
    ("people/pairing.py", "the min-cost flow solver returned status"),
    ("people/pairing.py", "resident_index must have one entry"),
    ("present/maps.py", "tooltip_aliases must have one label"),
    ("present/notice.py", "inputs are given to prepare_notices"),
    ("present/views.py", "coverage_simplify_layer expects polygons"),
    ("scale/pipeline.py", "task_access needs a partition read"),
    ("workspace/gpkg.py", "delete_sessions needs token_hash"),
    ("workspace/postgis.py", "delete_sessions needs token_hash"),
}
#: Names of exception classes (and of gridmap's workspace errors, which do not end in "Error").
_EXCEPTIONS = ("Error", "NotFound", "PermissionDenied", "AlreadyExists", "SaveConflict", "LoginFailed",
               "AccountLocked", "SessionExpired", "StaleHead", "Unavailable", "Exception")


def _english(node: ast.AST) -> str | None:
    """The literal text of an f-string, a sentence (a text with a space) or a ``+`` of them; else None."""
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant)) or "{…}"
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and " " in node.value.strip():
        return node.value
    if isinstance(node, ast.BinOp):
        return _english(node.left) or _english(node.right)
    if isinstance(node, ast.IfExp):
        return _english(node.body) or _english(node.orelse)
    return None


def test_no_error_is_raised_with_an_english_text() -> None:
    """Every exception gridmap builds — ``SomeError(...)``, a workspace refusal, argparse's type errors —
    takes a catalog id (or a :class:`Message`), never an f-string or a sentence written in English only;
    a message with a space in it is one a user would read. Only the marked contracts stay English."""
    root = Path(gridmap.__file__).parent
    found, contracts = [], set()
    for path in sorted(root.rglob("*.py")):
        where = path.relative_to(root).as_posix()
        if where.startswith("vocab/"):
            continue
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            english = _english(node.args[0]) if name.endswith(_EXCEPTIONS) else None
            if english is None:
                continue
            contract = next((c for c in CONTRACTS if c[0] == where and english.startswith(c[1])), None)
            if contract is None:
                found.append(f"{where}:{node.lineno}: {english[:70]!r}")
            else:
                contracts.add(contract)
                assert "# contract:" in lines[node.lineno - 2], f"{where}:{node.lineno} is not marked as a contract"
    assert not found, "English-only error texts (give them a message id in gridmap/vocab/messages.py):\n" + \
        "\n".join(found)
    assert contracts == CONTRACTS  # the allow-list names only what is there


def test_the_scan_sees_an_english_text() -> None:
    """The scan above is not blind: each form it forbids is found."""
    for code in ('raise LayerError(f"{path}: no such file")', 'raise NotFound("no project named x", "no_project")',
                 'raise WorkspaceError(f"{a} is busy" + " try again")',
                 'raise WorkspaceError("err_x" if a else f"{a} is busy", "busy")'):
        call = ast.parse(code).body[0].exc
        assert _english(call.args[0]), code
    for code in ('raise LayerError("err_no_such_file", path=p)', 'raise RuntimeError(Message("err_x"))'):
        assert _english(ast.parse(code).body[0].exc.args[0]) is None, code


def test_a_workspace_error_renders_in_the_language_shown_and_pickles() -> None:
    from gridmap.workspace import NotFound, WorkspaceError

    err = NotFound("err_ws_no_project_visible", "no_project", project="新街口", among="")
    assert isinstance(err, WorkspaceError) and isinstance(err, GridmapError) and isinstance(err, ValueError)
    assert (err.code, err.params["project"]) == ("no_project", "新街口")
    assert err.render("zh") == "没有名为“新街口”的项目" and err.render("en") == "no project named '新街口'"
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is NotFound and again.code == "no_project" and again.render("zh") == err.render("zh")


def test_a_missing_key_is_a_key_error_that_reads_as_a_message() -> None:
    from gridmap.errors import MissingKeyError

    err = MissingKeyError("err_notice_grid_not_in_plan", grid_code="320102001001001")
    assert isinstance(err, KeyError) and isinstance(err, GridmapError)
    assert err.render("zh") == "网格 320102001001001 不在方案中"
    with using_language("en"):
        assert str(err) == "grid 320102001001001 is not in the plan"  # not the repr a KeyError prints


def test_an_unknown_workspace_project_is_named_in_chinese_by_default_and_in_english(tmp_path, capsys,
                                                                                      monkeypatch) -> None:
    monkeypatch.delenv(LANG_ENV, raising=False)
    folder = tmp_path / "ws"
    assert main(["workspace", "init", str(folder)]) == 0
    capsys.readouterr()
    argv = ["plan", "log", "--workspace", str(folder), "--project", "新街口"]
    assert main(argv) == 2
    assert capsys.readouterr().err.strip() == "错误：没有名为“新街口”的项目"
    assert main(["--lang", "en", *argv]) == 2
    assert capsys.readouterr().err.strip() == "error: no project named '新街口'"
    monkeypatch.setenv(LANG_ENV, "en")
    assert main(argv) == 2
    assert capsys.readouterr().err.strip() == "error: no project named '新街口'"


def test_a_pairing_parameter_is_refused_in_the_language(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.delenv(LANG_ENV, raising=False)
    argv = ["pair", "--demo", "--per-helper", "三", "--out", str(tmp_path)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--per-helper 须为整数（人），例如 3，实际为“三”" in err and "Traceback" not in err, err
    assert main(["--lang", "en", *argv]) == 2
    assert "--per-helper expects a whole number of people, e.g. 3, got '三'" in capsys.readouterr().err
    argv = ["pair", "--demo", "--max-distance", "-5", "--out", str(tmp_path)]
    assert main(argv) == 2
    assert "--max-distance 须为大于 0、至多" in capsys.readouterr().err


def test_a_notice_parameter_is_refused_in_the_language() -> None:
    """The core's refusals read in the language current when shown, whoever raised them."""
    import geopandas as gpd
    import shapely

    from gridmap.people.pairing import helper_capacities

    helpers = gpd.GeoDataFrame({"helper_id": ["H1"]}, geometry=[shapely.Point(0, 0)], crs=32650)
    with pytest.raises(GridmapError) as caught:
        helper_capacities(helpers, per_helper=-1)
    assert caught.value.render("zh") == "per_helper 须为 ≥ 0 的整数，实际为 -1"
    assert caught.value.render("en") == "per_helper must be a whole number ≥ 0, got -1"
    from gridmap.present.notice import NoticeFontError

    err = NoticeFontError(Message("err_notice_point_at_ttf_ttc_with", env="GRIDMAP_CJK_FONT", chosen="x.ttf",
                                  why="no such file"))
    with using_language("zh"):
        assert str(err).startswith("GRIDMAP_CJK_FONT=x.ttf：no such file。请指向含 TrueType 轮廓和中文字形")


def _option_names(help_text: str) -> list[str]:
    return sorted(set(re.findall(r"--[a-z][a-z-]*", help_text)))


def test_the_help_is_in_the_users_language(capsys, monkeypatch) -> None:
    monkeypatch.delenv(LANG_ENV, raising=False)
    assert main(["coverage", "--help"]) == 0
    chinese = capsys.readouterr().out
    assert "辖区多边形（社区），含 area_id、name" in chinese and "相邻网格之间窄于此宽度的缝隙" in chinese, chinese
    assert "study area polygons" not in chinese
    assert main(["--lang", "en", "coverage", "--help"]) == 0
    english = capsys.readouterr().out
    assert "study area polygons (communities) with area_id, name" in english and "辖区多边形" not in english
    assert _option_names(chinese) == _option_names(english)  # the options themselves do not change
    assert "--gap-width METRES" in chinese and "--gap-width METRES" in english  # nor their metavars
    assert "(default 5)" in english and "（默认 5）" in chinese  # nor their defaults
    monkeypatch.setenv(LANG_ENV, "en")
    assert main(["coverage", "--help"]) == 0
    assert "study area polygons (communities)" in capsys.readouterr().out
    assert main(["--lang=zh", "--help"]) == 0  # the command list: one line per command
    listing = capsys.readouterr().out
    assert "网格图层的盲区、多头和覆盖率" in listing and "规划统一的基层治理网格（多网合一）" in listing


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_help_page_builds_in_both_languages(lang: str) -> None:
    """argparse formats every help text with %: a stray % or a missing parameter would fail here."""
    from gridmap.cli import SUBCOMMANDS, build_parser

    with using_language(lang):
        parser = build_parser()
        pages = [parser.format_help()]
        sub = next(a for a in parser._actions if isinstance(a, __import__("argparse")._SubParsersAction))
        for name in SUBCOMMANDS:
            pages.append(sub.choices[name].format_help())
    text_ = "\n".join(pages)
    han = sum("\u4e00" <= c <= "\u9fff" for c in text_)
    assert (han > 3000) if lang == "zh" else (han < 400), han  # English pages keep only the Chinese terms


def test_gridmap_run_says_its_progress_in_the_language(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.delenv(LANG_ENV, raising=False)
    config = tmp_path / "run.toml"
    config.write_text("[synthetic]\nn_buildings = 40\n", encoding="utf-8")
    argv = ["run", "--config", str(config), "--scheduler", "single"]
    assert main([*argv, "--out", str(tmp_path / "zh")]) == 0
    err = capsys.readouterr().err
    assert "叠加：" in err and "个面（" in err and "网格：" in err and "个单元 → " in err, err
    assert "可达性：40 户居民（" in err and "mosaic:" not in err and "access:" not in err
    assert main(["--lang", "en", *argv, "--out", str(tmp_path / "en")]) == 0
    err = capsys.readouterr().err
    assert "mosaic: " in err and " faces (" in err and "access: 40 residents (" in err and "叠加：" not in err, err


def test_argparse_own_words_are_in_the_language(capsys, monkeypatch) -> None:
    monkeypatch.delenv(LANG_ENV, raising=False)
    assert main(["coverage", "--help"]) == 0
    chinese = capsys.readouterr().out
    assert chinese.startswith("用法：gridmap coverage [-h]") and "显示此帮助信息并退出" in chinese
    assert "usage:" not in chinese and "show this help message" not in chinese
    assert main(["coverage", "--demo"]) == 2
    assert "gridmap coverage：错误：缺少必需的参数：--out" in capsys.readouterr().err
    assert main(["coverage", "--demo", "--out", "x", "--gap-widht", "3"]) == 2
    assert "无法识别的参数：--gap-widht 3" in capsys.readouterr().err
    assert main(["coverage", "--demo", "--out", "x", "--lang", "fr"]) == 2
    assert "参数 --lang：无效的选择 'fr'（可选：'zh', 'en'）" in capsys.readouterr().err
    assert main(["--lang", "en", "coverage", "--demo"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: gridmap coverage") and "gridmap coverage: error: the following arguments are " \
                                                         "required: --out" in err


def test_every_help_text_of_the_cli_is_a_catalog_text() -> None:
    """No ``help=``/``description=``/``epilog=`` written in English in gridmap/cli: each is ``text("help_…")``."""
    root = Path(gridmap.__file__).parent / "cli"
    literal = []
    for path in sorted(root.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    written = isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str)
                    if kw.arg in ("help", "description", "epilog") and (written or _english(kw.value)):
                        literal.append(f"{path.name}:{node.lineno} {kw.arg}=")
    assert not literal, literal
    assert len([k for k in CLI_HELP if k.startswith("help_")]) > 190


def test_revision_summaries_read_in_the_language_of_the_history_panel() -> None:
    """The History panel and ``gridmap plan log`` describe a save in the user's language (written out
    by hand here: the figures, codes and list separators of each language)."""
    from gridmap.workspace.changes import describe

    summary = {"n_units": 10, "n_grids": 2, "n_unassigned": 1, "n_units_moved": 2,
               "moved": [{"units": 1, "households": 20, "from": "A", "to": "B"},
                         {"units": 1, "households": 5, "from": "", "to": "B"}],
               "merged": [{"from": ["X", "Y"], "into": "Z"}], "locked": ["A", "C"], "restored": 3}
    assert describe(summary, lang="zh") == [
        "10 个单元，2 个网格，1 个未分配", "移动了 2 个单元", "  1 个单元、20 户：A → B",
        "  1 个单元、5 户：（未分配） → B", "网格 X、Y 合并入 Z", "锁定网格：A、C", "恢复了修订版 3"]
    assert describe(summary, lang="en") == [
        "10 units in 2 grids, 1 unassigned", "2 unit(s) moved", "  1 unit(s), 20 households: A → B",
        "  1 unit(s), 5 households: (unassigned) → B", "grids X, Y merged into Z", "grid(s) locked: A, C",
        "revision 3 restored"]
    assert describe({}, lang="zh") == ["无改动"]
    from gridmap.vocab import LIST_SEP, Joined, Message
    from gridmap.workspace.changes import reason_record

    refused = {"conflict": {"head": 4, "reasons": [
        reason_record(Message("cli_rev_conflict_locks", grids=Joined(["A", "B"], LIST_SEP))),
        "2 unit(s) changed in both saves"]}}  # a reason stored as text by an earlier version stays as written
    assert describe(refused, lang="zh") == [
        "被拒绝：与修订版 4 冲突——网格在一次保存中被锁定或解锁、在另一次中被改动：A、B；"
        "2 unit(s) changed in both saves"]
    assert describe(refused, lang="en") == [
        "refused: conflicts with revision 4 — grid(s) locked or unlocked in one save and changed in the other: A, B; "
        "2 unit(s) changed in both saves"]
