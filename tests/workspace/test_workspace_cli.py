"""The workspace commands end to end: ``gridmap workspace``, ``users``, ``plan log`` and the analyses
with ``--workspace``/``--project`` — exit status 0 when done, 2 with one named ``error:`` line
(never a traceback) when refused.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
from ws_data import make_inputs

from gridmap.cli import main
from gridmap.io.files import write_gpkg


def run(argv: list[str], capsys, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out.out, out.err


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """The hand-made office's inputs as files (a GeoPackage with four layers)."""
    path = write_gpkg(make_inputs(), tmp_path / "office.gpkg")
    return {"area": f"{path}#study_area", "party": f"party={path}#zones_party", "residents": f"{path}#residents",
            "centers": f"{path}#centers"}


@pytest.fixture
def ws(tmp_path: Path, files, capsys) -> str:
    """A workspace folder with the project ``office`` imported from files."""
    folder = str(tmp_path / "ws")
    assert run(["workspace", "init", folder], capsys)[0] == 0
    code, out, err = run(["workspace", "import", folder, "--project", "office", "--zones", files["party"],
                          "--area", files["area"], "--residents", files["residents"], "--centers", files["centers"],
                          "--title", "测试街道", "--quiet"], capsys)
    assert code == 0, err
    assert "project 'office' (inputs version 1, EPSG:4549): study_area, zones_party, residents, centers" in out
    return folder


def test_init_import_list(ws: str, capsys) -> None:
    code, out, _ = run(["workspace", "list", ws], capsys)
    assert code == 0
    assert "1 project(s), no accounts (runs open)" in out and "project office — 测试街道" in out
    assert "layers: study_area, zones_party, residents, centers; no OSM file" in out and "no plans" in out


def test_import_is_validated_like_every_command(ws: str, tmp_path: Path, files, capsys) -> None:
    code, _, err = run(["workspace", "import", ws, "--project", "p2", "--zones", files["party"]], capsys)
    assert code == 2 and "needs --zones NAME=PATH (one or more) and --area PATH, or --demo" in err
    broken = tmp_path / "broken.geojson"
    broken.write_text("{not json", encoding="utf-8")
    code, _, err = run(["workspace", "import", ws, "--project", "p2", "--zones", f"party={broken}",
                        "--area", files["area"]], capsys)
    assert code == 2 and "broken.geojson" in err
    residents = make_inputs()["residents"]
    residents.loc[2, "households"] = -5
    bad = tmp_path / "bad.geojson"
    residents.to_crs(4326).to_file(bad, driver="GeoJSON")
    code, _, err = run(["workspace", "import", ws, "--project", "p2", "--zones", files["party"], "--area",
                        files["area"], "--residents", str(bad), "--quiet"], capsys)
    assert code == 2 and "households" in err and "row 3" in err
    code, _, err = run(["workspace", "import", ws, "--project", "p2", "--demo", "--area", files["area"]], capsys)
    assert code == 2 and "leave out --area" in err
    code, _, err = run(["workspace", "import", ws, "--project", "p2", "--zones", files["party"], "--area",
                        files["area"], "--osm", files["area"].split("#")[0], "--quiet"], capsys)
    assert code == 2 and "OSM XML" in err
    assert "p2" not in run(["workspace", "list", ws], capsys)[1]  # nothing half-imported


def test_errors_of_the_workspace_commands(tmp_path: Path, capsys) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.txt").write_text("x", encoding="utf-8")
    assert run(["workspace", "init", str(tmp_path / "full")], capsys)[0] == 2
    code, _, err = run(["workspace", "list", str(tmp_path / "none")], capsys)
    assert code == 2 and "not a gridmap workspace" in err and "gridmap workspace init" in err


@pytest.mark.slow
def test_users_add_list_passwd_disable_enable(ws: str, capsys, monkeypatch) -> None:
    code, out, _ = run(["users", "add", "li", "--workspace", ws, "--role", "planner", "--scope", "320102001",
                        "--project", "office", "--password-stdin"], capsys, "Xinjiekou-2026\n", monkeypatch)
    assert code == 0 and out.strip() == "added planner li (scope 320102001; projects office)"
    code, out, err = run(["users", "add", "wang", "--workspace", ws, "--role", "viewer", "--password-stdin"],
                         capsys, "Xinjiekou-2026\n", monkeypatch)
    assert code == 0 and "sees no project" in err
    code, _, err = run(["users", "add", "zhao", "--workspace", ws, "--role", "viewer", "--password-stdin"], capsys,
                       "short\n", monkeypatch)
    assert code == 2 and "at least 8 characters" in err and "short" not in err
    code, _, err = run(["users", "add", "zhao", "--workspace", ws, "--role", "planner", "--password-stdin"],
                       capsys, "Xinjiekou-2026\n", monkeypatch)
    assert code == 2 and "at least one scope code" in err
    code, _, err = run(["users", "add", "zhao", "--workspace", ws, "--role", "viewer"], capsys, "", monkeypatch)
    assert code == 2 and "--password-stdin" in err
    code, _, err = run(["users", "add", "li", "--workspace", ws, "--role", "viewer", "--password-stdin"], capsys,
                       "Xinjiekou-2026\n", monkeypatch)
    assert code == 2 and "exists already" in err
    assert run(["users", "passwd", "li", "--workspace", ws, "--password-stdin"], capsys, "another-pass\n",
               monkeypatch)[0] == 0
    assert run(["users", "disable", "wang", "--workspace", ws], capsys)[0] == 0
    code, out, _ = run(["users", "list", "--workspace", ws], capsys)
    lines = out.splitlines()
    assert code == 0 and lines[0].split()[:3] == ["li", "planner", "active"]
    assert lines[1].split()[:3] == ["wang", "viewer", "disabled"] and "Xinjiekou" not in out
    assert run(["users", "enable", "wang", "--workspace", ws], capsys)[0] == 0
    code, _, err = run(["users", "disable", "nobody", "--workspace", ws], capsys)
    assert code == 2 and "no account named 'nobody'" in err
    assert "2 account(s)" in run(["workspace", "list", ws], capsys)[1]


@pytest.mark.slow  # the installed command in a new process
def test_password_stdin_through_a_pipe(ws: str) -> None:
    exe = Path(sys.executable).parent / "gridmap"
    result = subprocess.run([str(exe), "users", "add", "pipe", "--workspace", ws, "--role", "admin",
                             "--password-stdin"], input="Pipe-Password-1\n", capture_output=True, text=True,
                            encoding="utf-8")
    assert result.returncode == 0 and "Pipe-Password-1" not in result.stdout + result.stderr


@pytest.mark.slow
def test_unify_saves_into_the_project_and_plan_log_prints_it(ws: str, tmp_path: Path, capsys) -> None:
    code, out, err = run(["unify", "--workspace", ws, "--project", "office", "--min-households", "50",
                          "--max-households", "200", "--quiet"], capsys)
    assert code == 0, err
    code, out, err = run(["unify", "--workspace", ws, "--project", "office", "--min-households", "100",
                          "--max-households", "300", "--out", str(tmp_path / "out")], capsys)
    assert code == 0 and "plan 'unified' of project 'office'" in err
    assert (tmp_path / "out" / "grids.geojson").is_file() and (tmp_path / "out" / "plan.gpkg").is_file()
    code, out, _ = run(["plan", "log", "--workspace", ws, "--project", "office"], capsys)
    assert code == 0
    assert "plan unified (project office): head revision 2 of 2" in out
    assert "r2 build on r1" in out and "“gridmap unify 100–300 households, seed 0”" in out
    assert "2 units in 2 grids" in out and "household band now 100–300" in out  # one unit per zone face
    assert "import" in out.split("other events")[1]
    assert "r1 build" in run(["workspace", "list", ws], capsys)[1]
    code, _, err = run(["plan", "log", "--workspace", ws, "--project", "office", "--plan", "nope"], capsys)
    assert code == 2 and "has no plan 'nope'" in err


@pytest.mark.slow
def test_analyses_read_the_project(ws: str, tmp_path: Path, capsys) -> None:
    code, out, err = run(["coverage", "--workspace", ws, "--project", "office", "--out", str(tmp_path / "cov"),
                          "--quiet"], capsys)
    assert code == 0, err
    assert "covered by any layer 100.00%" in out
    faces = gpd.read_file(tmp_path / "cov" / "faces.geojson")
    assert len(faces) == 2 and faces["households"].sum() == 360
    assert run(["unify", "--workspace", ws, "--project", "office", "--plan", "方案", "--min-households", "50",
                "--quiet"], capsys)[0] == 0
    code, _, err = run(["report", "--workspace", ws, "--project", "office", "--plan", "方案", "--out",
                        str(tmp_path / "rep"), "--sites", "0", "--quiet"], capsys)
    assert code in (0, 1) and (tmp_path / "rep" / "report.xlsx").is_file()


def test_analysis_options_with_a_workspace_are_checked(ws: str, tmp_path: Path, files, capsys) -> None:
    out = str(tmp_path / "o")
    cases = [
        (["coverage", "--workspace", ws, "--out", out], "--workspace DIR and --project NAME go together"),
        (["coverage", "--project", "office", "--out", out], "--workspace DIR and --project NAME go together"),
        (["coverage", "--workspace", ws, "--project", "office", "--zones", files["party"], "--out", out],
         "leave out --zones"),
        (["unify", "--workspace", ws, "--project", "office", "--map", "households=户数"], "leave out --map"),
        (["coverage", "--workspace", ws, "--project", "elsewhere", "--out", out], "no project named 'elsewhere'"),
        (["coverage", "--workspace", str(tmp_path / "none"), "--project", "office", "--out", out],
         "not a gridmap workspace"),
        (["access", "--workspace", ws, "--project", "office", "--out", out], "has no an OSM file"),
        (["unify"], "give --out DIR, or --workspace DIR --project NAME"),
        (["report", "--workspace", ws, "--project", "office", "--out", out], "has 0 plans"),
    ]
    for argv, message in cases:
        code, _, err = run(argv, capsys)
        assert code == 2 and message in err, (argv, err)


@pytest.mark.slow
def test_the_demo_project_end_to_end(tmp_path: Path, capsys) -> None:
    folder, cache = str(tmp_path / "ws"), str(tmp_path / "cache")
    assert run(["workspace", "init", folder], capsys)[0] == 0
    assert run(["workspace", "import", folder, "--project", "demo", "--demo", "--quiet"], capsys)[0] == 0
    code, out, err = run(["unify", "--workspace", folder, "--project", "demo", "--quiet"], capsys)
    assert code == 0 and "1,277 units → 93 grids" in out, err
    code, _, err = run(["access", "--workspace", folder, "--project", "demo", "--grids-layer", "zones_party",
                        "--cache-dir", cache, "--out", str(tmp_path / "acc"), "--quiet"], capsys)
    assert code in (0, 1) and (tmp_path / "acc" / "home_visit_list.csv").is_file(), err
    code, _, err = run(["site", "--workspace", folder, "--project", "demo", "--k", "1", "--cache-dir", cache,
                        "--out", str(tmp_path / "site"), "--quiet"], capsys)
    assert code in (0, 1) and (tmp_path / "site" / "sites.geojson").is_file(), err
    code, out, err = run(["report", "--workspace", folder, "--project", "demo", "--sites", "1", "--cache-dir", cache,
                          "--out", str(tmp_path / "rep"), "--quiet"], capsys)
    assert code in (0, 1) and "93 grids, 36,446 households" in out, err
