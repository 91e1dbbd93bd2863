"""No traceback, ever: every subcommand on bad options and broken files stops with exit status 2 and
a message naming the option or file, what is wrong and what to do.

Most cases run in process (``gridmap.cli.main(argv)``, stderr captured); a few run the installed
console script, as a user would. Every broken file is made here, in a temporary folder. Each case
asserts its *specific* message: the last-resort handler for bugs ("unexpected …") must never be
what answers a foreseeable mistake.
"""

from __future__ import annotations

import bz2
import json
import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from gridmap.cli import build_parser, main
from gridmap.cli.checks import NUMERIC_OPTIONS
from gridmap.demo import DEMO_OSM, load_demo

# --------------------------------------------------------------------------------------------
# fixtures: good inputs (the demo as files), broken files, a plan


@pytest.fixture(scope="session")
def files(tmp_path_factory) -> dict[str, Path]:
    """The demo's layers as GeoJSON files, broken OSM files, and a few broken layers."""
    root = tmp_path_factory.mktemp("inputs")
    demo = load_demo()
    paths: dict[str, Path] = {}
    for name in ("study_area", "residents", "centers", "zones_party", "zones_security"):
        paths[name] = root / f"{name}.geojson"
        demo[name].to_file(paths[name])
    # OSM files that cannot be read
    good = DEMO_OSM.read_bytes()
    broken = {"empty.osm": b"", "truncated.osm": good[: len(good) // 3], "notxml.osm": b"PK\x03\x04 not xml at all",
              "html.osm": b"<?xml version='1.0'?><html><body>429 Too Many Requests</body></html>",
              "empty.osm.bz2": b"", "damaged.osm.bz2": b"BZh91AY&SY" + os.urandom(200),
              "truncated.osm.bz2": bz2.compress(good)[:5000]}
    for name, data in broken.items():
        paths[name] = root / name
        paths[name].write_bytes(data)
    # a file where an output folder should be
    paths["a_file"] = root / "a_file.txt"
    paths["a_file"].write_text("not a folder", encoding="utf-8")
    return paths


@pytest.fixture(scope="session")
def demo_plan(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("plan")
    assert main(["unify", "--demo", "--out", str(out), "--quiet"]) == 0
    return out / "plan.gpkg"


def cli(argv: list[str], capsys) -> tuple[int, str]:
    """Run ``gridmap argv`` in process; (exit status, stderr). Never a traceback, never the bug handler."""
    status = main([str(a) for a in argv])
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    assert "unexpected" not in err, err
    return status, err


def _zone_args(files: dict[str, Path]) -> list[str]:
    return ["--zones", f"party={files['zones_party']}", "--zones", f"security={files['zones_security']}",
            "--area", str(files["study_area"]), "--residents", str(files["residents"])]


def _walk_args(files: dict[str, Path]) -> list[str]:
    return ["--osm", str(DEMO_OSM), "--residents", str(files["residents"]), "--centers", str(files["centers"])]


# --------------------------------------------------------------------------------------------
# every numeric option: finite, in range, with its unit in the message

#: (command, options, what the message must say). Options are checked before any data is read.
BAD_NUMBERS = [
    ("coverage", ["--gap-width", "nan"], "--gap-width must be a finite number of metres ≥ 0"),
    ("coverage", ["--gap-width", "-1"], "--gap-width must be a finite number of metres ≥ 0"),
    ("coverage", ["--grid-size", "inf"], "--grid-size must be a finite number of metres ≥ 0 and ≤ 1"),
    ("coverage", ["--grid-size", "5"], "--grid-size must be a finite number of metres ≥ 0 and ≤ 1, got 5"),
    ("coverage", ["--sliver-area", "-1"], "--sliver-area must be a finite number of m² ≥ 0, got -1"),
    ("access", ["--thresholds", "nan"], "each of the limits must be a finite number of walking metres > 0, got nan"),
    ("access", ["--thresholds", "300,200"], "the limits must increase"),
    ("access", ["--thresholds", "300,abc"], "--thresholds: expects walking metres like 300,500,1000"),
    ("access", ["--thresholds", "0,500"], "got 0"),
    ("access", ["--snap-limit", "-1"], "--snap-limit must be a finite number of metres > 0"),
    ("access", ["--snap-limit", "nan"], "--snap-limit must be a finite number of metres > 0"),
    ("access", ["--buffer", "nan"], "--buffer must be a finite number of metres > 0"),
    ("unify", ["--min-households", "0", "--max-households", "0"], "--min-households must be a whole number of "
                                                                  "households ≥ 1, got 0"),
    ("unify", ["--min-households", "-5"], "--min-households must be a whole number of households ≥ 1, got -5"),
    ("unify", ["--min-households", "600"], "--min-households 600 is above --max-households 500"),
    ("unify", ["--max-households", "1.5"], "argument --max-households: invalid int value"),
    ("unify", ["--seed", "-1"], "--seed must be a whole number ≥ 0, got -1"),
    ("unify", ["--min-unit-area", "nan"], "--min-unit-area must be a finite number of m² ≥ 0"),
    ("unify", ["--min-unit-width", "-2"], "--min-unit-width must be a finite number of metres ≥ 0"),
    ("site", ["--k", "-1"], "--k must be a whole number of new sites ≥ 1, got -1"),
    ("site", ["--k", "0"], "--k must be a whole number of new sites ≥ 1, got 0"),
    ("site", ["--target", "1.5"], "'1.5' is above 1: give a fraction from 0 to 1 (0.95) or a percentage with % (95%)"),
    ("site", ["--target", "95"], "'95' is above 1"),
    ("site", ["--target", "nan"], "must be a share above 0 and at most 1"),
    ("site", ["--target", "0%"], "must be a share above 0 and at most 1"),
    ("site", ["--k", "2", "--radius", "nan"], "--radius must be a finite number of walking metres > 0"),
    ("site", ["--k", "2", "--radius", "-5"], "--radius must be a finite number of walking metres > 0"),
    ("site", ["--k", "2", "--spacing", "nan"], "--spacing must be a finite number of metres > 0"),
    ("site", ["--k", "2", "--snap-limit", "-1"], "--snap-limit must be a finite number of metres > 0"),
    ("report", ["--sites", "-1"], "--sites must be a whole number of new sites ≥ 0, got -1"),
    ("report", ["--radius", "nan"], "--radius must be a finite number of walking metres > 0"),
    ("report", ["--sliver-area", "inf"], "--sliver-area must be a finite number of m² ≥ 0"),
]


@pytest.mark.parametrize(("command", "options", "message"), BAD_NUMBERS,
                         ids=[f"{c}{' '.join(o)}" for c, o, _ in BAD_NUMBERS])
def test_numeric_options_are_checked(command, options, message, tmp_path, capsys) -> None:
    status, err = cli([command, "--demo", *options, "--out", tmp_path / "out"], capsys)
    assert status == 2 and message in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())  # stopped before any work


def test_every_numeric_option_of_every_command_has_a_rule() -> None:
    """Walk the parsers: an option parsed as a number (int/float, or a numeric default) must be in
    NUMERIC_OPTIONS, so a new option cannot skip the check."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    numeric = set()
    for _name, p in sub.choices.items():
        for action in p._actions:
            if action.type in (int, float) or (isinstance(action.default, (int, float))
                                               and not isinstance(action.default, bool)):
                numeric.add(action.dest)
    assert numeric and numeric <= set(NUMERIC_OPTIONS), numeric - set(NUMERIC_OPTIONS)


@pytest.mark.parametrize("command", ["info", "coverage", "unify", "access", "site", "report"])
def test_a_bogus_crs_or_source_is_named(command, files, tmp_path, capsys) -> None:
    head = [command, files["study_area"]] if command == "info" else [command, "--demo", "--out", tmp_path]
    status, err = cli([*head, "--crs", "EPSG:bogus"], capsys)
    assert status == 2 and "--crs 'EPSG:bogus' is not a coordinate reference system pyproj knows" in err
    assert "EPSG:4490" in err  # and what to give instead
    status, err = cli([*head, "--source", "mars"], capsys)
    assert status == 2 and "--source 'mars' is not a coordinate source gridmap knows" in err and "gcj02" in err


@pytest.mark.parametrize("command", ["coverage", "unify", "access", "site", "report", "run"])
def test_an_output_folder_that_cannot_be_written(command, files, tmp_path, capsys) -> None:
    head = [command, "--config", tmp_path / "none.toml"] if command == "run" else [command, "--demo"]
    if command == "site":
        head += ["--k", "1"]
    status, err = cli([*head, "--out", files["a_file"]], capsys)
    assert status == 2 and f"--out {files['a_file']}: this is a file, not a folder" in err
    status, err = cli([*head, "--out", files["a_file"] / "sub"], capsys)
    assert status == 2 and f"{files['a_file']} is a file, so no folder can be made under it" in err


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs /sys, where no one may create a folder")
def test_an_output_folder_without_permission(tmp_path, capsys) -> None:
    """/sys refuses new folders even to root (tests may run as root, where chmod does not stop anyone)."""
    status, err = cli(["coverage", "--demo", "--out", "/sys/gridmap-test-out"], capsys)
    assert status == 2 and "--out /sys/gridmap-test-out: cannot write there" in err


@pytest.mark.slow
def test_a_disk_that_fills_up_while_writing_is_named(tmp_path, capsys, monkeypatch) -> None:
    """An OSError while the outputs are written (here: no space left) names the file and the folder."""
    import errno

    import gridmap.cli.coverage as coverage_cli

    def full(_gdf, path, **_options):  # write_geojson's options (partition=True for the faces)
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(coverage_cli, "write_geojson", full)
    out = tmp_path / "out"
    status, err = cli(["coverage", "--demo", "--out", out, "--quiet"], capsys)
    assert status == 2 and f"cannot write {out / 'faces.geojson'} (the disk is full" in err
    assert f"the outputs in {out} are incomplete" in err


# --------------------------------------------------------------------------------------------
# broken OSM files, in every command that reads one

OSM_CASES = [
    ("empty.osm", "the file is empty"),
    ("truncated.osm", "not readable OSM XML"),
    ("notxml.osm", "not readable OSM XML"),
    ("html.osm", "the file holds no OSM nodes or ways|not readable OSM XML"),  # osmnx | GDAL (basemap)
    ("empty.osm.bz2", "the bz2 compression is damaged or the file is cut short"),
    ("damaged.osm.bz2", "the bz2 compression is damaged or the file is cut short"),
    ("truncated.osm.bz2", "the bz2 compression is damaged or the file is cut short"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "message"), OSM_CASES, ids=[c[0] for c in OSM_CASES])
@pytest.mark.parametrize("command", ["coverage", "access", "site", "report", "run"])
def test_a_broken_osm_file_is_named(command, name, message, files, demo_plan, tmp_path, capsys) -> None:
    osm = files[name]
    if command == "run":
        config = tmp_path / "run.toml"
        config.write_text(
            f'[inputs]\nstudy_area = "{files["study_area"]}"\nresidents = "{files["residents"]}"\n'
            f'network = "{osm}"\n[inputs.zones]\nparty = "{files["zones_party"]}"\n', encoding="utf-8")
        argv = ["run", "--config", config]
    elif command == "report":
        argv = ["report", "--plan", demo_plan, "--centers", files["centers"], "--osm", osm, "--no-cache"]
    else:
        argv = [command, "--demo", "--osm", osm] + {"site": ["--k", "1", "--no-cache"], "access": ["--no-cache"]}.get(
            command, [])
    status, err = cli([*argv, "--out", tmp_path / "out", "--quiet"], capsys)
    assert status == 2 and any(f"{osm}: {m}" in err for m in message.split("|")), err
    assert "again" in err  # what to do: export or download it again


# --------------------------------------------------------------------------------------------
# gridmap run: configs


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "run.toml"
    path.write_text(text, encoding="utf-8")
    return path


RUN_CASES = [
    ("[run]\nthresholds = \"abc\"\n[synthetic]\nn_buildings = 50\n",
     "run.toml [run]: thresholds must be a list of walking metres"),
    ("[run]\nthresholds = 500\n[synthetic]\nn_buildings = 50\n",
     "run.toml [run]: thresholds must be a list of walking metres"),
    ("[run]\nthresholds = [300, \"x\"]\n[synthetic]\nn_buildings = 50\n",
     "run.toml [run]: each of thresholds must be a finite number of walking metres > 0, got 'x'"),
    ("[run]\nthresholds = [300, nan]\n[synthetic]\nn_buildings = 50\n",
     "run.toml [run]: each of thresholds must be a finite number of walking metres > 0, got nan"),
    ("[run]\nmin_households = \"many\"\n[synthetic]\nn_buildings = 50\n",
     "run.toml [run]: min_households must be a whole number of households ≥ 1, got 'many'"),
    ("[run]\nmin_households = 0\nmax_households = 0\n[synthetic]\nn_buildings = 50\n",
     "min_households must be a whole number of households ≥ 1, got 0"),
    ("[run]\nseed = -3\n[synthetic]\nn_buildings = 50\n", "run.toml [run]: seed must be a whole number ≥ 0, got -3"),
    ("[run]\nsnap_limit = -1\n[synthetic]\nn_buildings = 50\n", "snap_limit must be a finite number of metres > 0"),
    ("[run]\ncrs = \"EPSG:bogus\"\n[synthetic]\nn_buildings = 50\n",
     "[run] crs 'EPSG:bogus' is not a coordinate reference system pyproj knows"),
    ("[synthetic]\nn_buildings = 0\n",
     "run.toml [synthetic]: n_buildings must be a whole number of buildings ≥ 1, got 0"),
    ("[synthetic]\nn_buildings = \"lots\"\n", "n_buildings must be a whole number of buildings ≥ 1, got 'lots'"),
    ("[synthetic]\ncommunity_blocks = 5\n", "[synthetic]: community_blocks must be two whole numbers (min, max)"),
    ("[synthetic]\nn_buildings = 50\ncrs = \"EPSG:4326\"\n", "crs 'EPSG:4326' is not projected"),
    ("[synthetic]\nn_buildings = 50\n[output]\ngeojson_max_rows = -1\n",
     "[output] geojson_max_rows must be a whole number of rows ≥ 0, got -1"),
    ("[run\nthresholds = [300]\n", "run.toml is not valid TOML"),
    ("run = 5\n", "[run] must be a section of keys"),
    ("[run]\nseed = 1\n", "needs an [inputs] or a [synthetic] section"),
    ("[inputs]\nstudy_area = \"a.geojson\"\nresidents = \"r.geojson\"\n[inputs.zones]\nparty = \"nope.geojson\"\n",
     "[inputs] zones.party: "),
    ("[inputs]\nstudy_area = \"a.parquet\"\nresidents = \"r.parquet\"\n[inputs.zones]\nparty = \"nope.parquet\"\n",
     "nope.parquet: no such file. Paths in the config are relative to the config file"),
    ("[inputs]\nstudy_area = 5\nresidents = \"r.geojson\"\n[inputs.zones]\nparty = \"p.geojson\"\n",
     "[inputs] study_area must be a file path (text), got 5"),
]


@pytest.mark.parametrize(("text", "message"), RUN_CASES, ids=[m[:40] for _, m in RUN_CASES])
def test_run_config_errors_are_named(text, message, tmp_path, capsys) -> None:
    config = _config(tmp_path, text)
    status, err = cli(["run", "--config", config, "--out", tmp_path / "out", "--quiet"], capsys)
    assert status == 2 and message in err


def test_run_a_zone_layer_missing_or_broken_in_the_inputs(files, tmp_path, capsys) -> None:
    broken = tmp_path / "zones.parquet"
    broken.write_bytes(b"PAR1 not really")
    config = _config(tmp_path, f'[inputs]\nstudy_area = "{files["study_area"]}"\nresidents = "{files["residents"]}"\n'
                               f'[inputs.zones]\nparty = "{broken}"\n')
    status, err = cli(["run", "--config", config, "--out", tmp_path / "out"], capsys)
    assert status == 2 and "[inputs] zones.party" in err and "cannot be read as GeoParquet" in err


@pytest.mark.parametrize(("scheduler", "message"), [
    ("local:abc", "--scheduler local:abc: local:N needs a whole number of worker processes ≥ 1"),
    ("local:0", "--scheduler local:0: local:N needs a whole number"),
    ("foo", "--scheduler 'foo' is not a scheduler gridmap knows"),
])
def test_run_a_bad_scheduler_is_refused_before_any_work(scheduler, message, tmp_path, capsys) -> None:
    config = _config(tmp_path, "[synthetic]\nn_buildings = 50\n")
    status, err = cli(["run", "--config", config, "--scheduler", scheduler, "--out", tmp_path / "o"], capsys)
    assert status == 2 and message in err and "synthetic city" not in err  # refused before the city was made


@pytest.mark.slow
def test_run_an_unreachable_scheduler_address_is_named(tmp_path, capsys, monkeypatch) -> None:
    import gridmap.cli.run as run_cli

    monkeypatch.setattr(run_cli, "SCHEDULER_TIMEOUT_S", 2)
    config = _config(tmp_path, "[synthetic]\nn_buildings = 50\n")
    status, err = cli(["run", "--config", config, "--scheduler", "tcp://127.0.0.1:9", "--out", tmp_path / "o",
                       "--quiet"], capsys)
    assert status == 2 and "--scheduler tcp://127.0.0.1:9: no dask scheduler answers there within 2 s" in err


@pytest.mark.slow
def test_run_a_tiny_synthetic_city_works_or_names_why(tmp_path, capsys) -> None:
    """The smallest city (one building, no centre) runs through: no traceback at the last step."""
    config = _config(tmp_path, "[synthetic]\nn_buildings = 1\n")
    status, err = cli(["run", "--config", config, "--scheduler", "single", "--out", tmp_path / "o", "--quiet"], capsys)
    assert status == 0, err
    assert (tmp_path / "o" / "grids.geojson").exists()


# --------------------------------------------------------------------------------------------
# broken layers: curves, null geometry, missing files, a legacy crs member, ';' in ids …


def _curve_gpkg(path: Path, geometry_type: str) -> Path:
    """A GeoPackage of zones whose second feature is a CurvePolygon that cannot be linearised (its
    CircularString has 2 points: GDAL reads it as null)."""
    import sqlite3
    import struct

    zones = gpd.GeoDataFrame({"zone_id": ["A", "B"], "name": ["a", "b"]},
                             geometry=[shapely.box(118.78, 32.03, 118.79, 32.04),
                                       shapely.box(118.79, 32.03, 118.80, 32.04)], crs=4326)
    pyogrio.write_dataframe(zones, path, layer="zones", driver="GPKG", SPATIAL_INDEX="NO")
    arc = [(118.78, 32.03), (118.79, 32.04)]
    wkb = (struct.pack("<BII", 1, 10, 1) + struct.pack("<BII", 1, 8, len(arc))
           + b"".join(struct.pack("<dd", *p) for p in arc))
    con = sqlite3.connect(path)
    con.executescript(f"""
        CREATE TABLE curves (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom {geometry_type}, zone_id TEXT,
                             name TEXT);
        INSERT INTO curves SELECT fid, geom, zone_id, name FROM zones;
        DROP TABLE zones;
        ALTER TABLE curves RENAME TO zones;
        UPDATE gpkg_geometry_columns SET geometry_type_name = '{geometry_type}';
    """)
    con.execute("UPDATE zones SET geom = ? WHERE fid = 2", (b"GP\x00\x01" + struct.pack("<i", 4326) + wkb,))
    con.commit()
    con.close()
    return path


@pytest.mark.parametrize("geometry_type", ["CURVEPOLYGON", "MULTISURFACE"])
def test_info_and_coverage_on_curves(geometry_type, files, tmp_path, capsys) -> None:
    path = _curve_gpkg(tmp_path / "curves.gpkg", geometry_type)
    status, err = cli(["info", path], capsys)
    assert status == 0
    status, err = cli(["info", path, "--strict"], capsys)
    assert status == 1  # listed as an error to fix, not a crash
    status, err = cli(["coverage", "--zones", f"party={path}", "--area", files["study_area"], "--out",
                       tmp_path / "o"], capsys)
    assert status == 2 and "curves.gpkg, layer 'zones', row 2 (id B): feature has no geometry (null)" in err
    assert "convert curves to polygons" in err


def test_info_on_a_null_geometry(tmp_path, capsys) -> None:
    path = tmp_path / "null.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"zone_id": "A", "name": "a"},
         "geometry": shapely.geometry.mapping(shapely.box(118.78, 32.03, 118.79, 32.04))},
        {"type": "Feature", "properties": {"zone_id": "B", "name": "b"}, "geometry": None}]}), encoding="utf-8")
    status = main(["info", str(path)])
    out = capsys.readouterr()
    assert status == 0 and "Traceback" not in out.err
    assert "geometry types: (null) 1, Polygon 1" in out.out
    assert "row 2 (id B): feature has no geometry (null)" in out.out


@pytest.mark.parametrize("argv, message", [
    (["access", "--demo", "--grids-layer", "nope"], "--grids-layer nope: the demo has no such layer; its polygon "
                                                     "layers: study_area, zones_party"),
    (["site", "--demo", "--target", "0.9", "--objective", "p_median"], "--target works with --objective coverage only"),
    (["site", "--demo", "--k", "2", "--target", "0.9"], "give either --k N (number of new sites) or --target SHARE"),
    (["coverage", "--zones", "party", "--area", "a.geojson"],
     "--zones expects NAME=PATH (e.g. --zones party=party.geojson), got 'party'"),
    (["coverage", "--zones", "1st=x.geojson", "--area", "a.geojson"], "the name '1st' must be a word"),
    (["unify", "--residents", "r.geojson"], "gridmap unify needs --zones NAME=PATH (one or more), --area PATH, "
                                            "--residents PATH, or --demo"),
    (["report"], "give --plan PATH (a plan.gpkg written by `gridmap unify`) or --demo"),
])
def test_options_that_do_not_go_together(argv, message, tmp_path, capsys) -> None:
    status, err = cli([*argv, "--out", tmp_path / "o", "--quiet"], capsys)
    assert status == 2 and message in err


def test_missing_input_files_are_named(files, tmp_path, capsys) -> None:
    nope = tmp_path / "nope.geojson"
    cases = [
        ["info", nope],
        ["coverage", "--zones", f"party={nope}", "--area", files["study_area"], "--out", tmp_path / "o"],
        ["unify", "--zones", f"party={files['zones_party']}", "--area", nope, "--residents", files["residents"],
         "--out", tmp_path / "o"],
        ["access", "--osm", DEMO_OSM, "--residents", nope, "--centers", files["centers"], "--out", tmp_path / "o"],
        ["site", "--osm", DEMO_OSM, "--residents", files["residents"], "--centers", nope, "--k", "1",
         "--out", tmp_path / "o"],
        ["report", "--plan", tmp_path / "nope.gpkg", "--out", tmp_path / "o"],
        ["access", "--osm", tmp_path / "nope.osm", "--residents", files["residents"], "--centers", files["centers"],
         "--out", tmp_path / "o", "--no-cache"],
    ]
    for argv in cases:
        status, err = cli([*argv, "--quiet"] if argv[0] != "info" else argv, capsys)
        assert status == 2 and "nope." in err and ("no such file" in err or "not found" in err), (argv, err)


def _legacy_crs_geojson(path: Path, gdf: gpd.GeoDataFrame, epsg: int = 3857) -> Path:
    """A GeoJSON (2008) with a ``crs`` member naming a projected CRS over lon/lat coordinates."""
    data = json.loads(gdf.to_crs(4326).to_json())
    data["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{epsg}"}}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_legacy_crs_member_over_lonlat_is_named(files, tmp_path, capsys) -> None:
    demo = load_demo()
    zones = _legacy_crs_geojson(tmp_path / "party_3857.geojson", demo["zones_party"])
    assert pyogrio.read_info(zones)["crs"] == "EPSG:3857"  # what the reader sees
    status = main(["info", str(zones)])
    out = capsys.readouterr().out
    assert status == 0 and "every coordinate lies within ±180, ±90" in out and "EPSG:3857" in out
    status, err = cli(["coverage", "--zones", f"party={zones}", "--area", files["study_area"], "--out",
                       tmp_path / "o"], capsys)
    assert status == 2 and "party_3857.geojson" in err and "delete the old \"crs\" member" in err


def test_ids_with_the_list_separator_are_refused(files, tmp_path, capsys) -> None:
    zones = load_demo()["zones_party"].copy()
    zones.loc[0, "zone_id"] = "DJ-1;DJ-2"
    path = tmp_path / "party.geojson"
    zones.to_file(path)
    status, err = cli(["coverage", "--zones", f"party={path}", "--area", files["study_area"], "--out",
                       tmp_path / "o"], capsys)
    assert status == 2 and "row 1 (id DJ-1;DJ-2), column 'zone_id'" in err and "contains ';'" in err


def test_communities_sharing_an_admin_code(files, tmp_path, capsys) -> None:
    """Today's silent merge (16 communities, one code → 92 grids became 19) is now named, in info and unify."""
    area = load_demo()["study_area"].copy()
    area["community_code"] = "001"  # every community of a street gets the same code
    path = tmp_path / "area.geojson"
    area.to_file(path)
    status = main(["info", str(path)])
    out = capsys.readouterr().out
    assert status == 0 and "problems: none" not in out and "duplicate" not in out.split("problems:")[0]
    assert "county + street + community code 320102001001 is used by 4 communities" in out
    status, err = cli(["unify", "--zones", f"party={files['zones_party']}", "--area", path, "--residents",
                       files["residents"], "--out", tmp_path / "o"], capsys)
    assert status == 2 and "is used by 4 communities" in err and "rows 1, 2, 3, 4" in err


@pytest.mark.slow
def test_overlapping_communities(files, tmp_path, capsys) -> None:
    """A large overlap is an error naming both communities and the area; a sliver is removed and
    listed, and the grids keep their communities' codes (no pseudo-community 'A;B', no 000000000NNN)."""
    demo = load_demo()
    area = demo["study_area"].copy()
    metric = area.to_crs(4549)
    grown = metric.geometry.iloc[1].buffer(60.0)
    big = area.copy()
    big.loc[1, "geometry"] = gpd.GeoSeries([grown], crs=4549).to_crs(4326).iloc[0]
    path = tmp_path / "big.geojson"
    big.to_file(path)
    status, err = cli(["unify", "--zones", f"party={files['zones_party']}", "--area", path, "--residents",
                       files["residents"], "--out", tmp_path / "o1"], capsys)
    assert status == 2 and "row 2 (id 320102001002): overlaps community 320102001001 (row 1) by" in err
    assert " m² (" in err
    # a 5 cm sliver along a shared boundary: repaired and listed
    small = area.copy()
    small.loc[1, "geometry"] = gpd.GeoSeries([metric.geometry.iloc[1].buffer(0.05)], crs=4549).to_crs(4326).iloc[0]
    path = tmp_path / "small.geojson"
    small.to_file(path)
    out = tmp_path / "o2"
    status, err = cli(["unify", "--zones", f"party={files['zones_party']}", "--area", path, "--residents",
                       files["residents"], "--out", out, "--quiet"], capsys)
    assert status == 0, err
    grids = pyogrio.read_dataframe(out / "grids.geojson")
    assert not grids["area_id"].str.contains(";").any()
    assert set(grids["grid_code"].str[:12]) <= set(area["area_id"])
    status, err = cli(["coverage", "--zones", f"party={files['zones_party']}", "--area", path, "--out",
                       tmp_path / "o3", "--quiet"], capsys)
    problems = pd.read_csv(tmp_path / "o3" / "problems.csv", encoding="utf-8-sig")
    assert status == 0 and "overlapping_areas_repaired" in set(problems["code"])


def test_more_than_999_communities_without_codes(tmp_path, capsys) -> None:
    """Fallback codes 000000000NNN run out at 999: refused with the reason, before any work."""
    cells = [shapely.box(500_000 + 100 * (k % 40), 3_545_000 + 100 * (k // 40), 500_100 + 100 * (k % 40),
                         3_545_100 + 100 * (k // 40)) for k in range(1000)]
    area = gpd.GeoDataFrame({"area_id": [f"C{k:04d}" for k in range(1000)], "name": "社区"}, geometry=cells, crs=4549)
    zones = gpd.GeoDataFrame({"zone_id": ["Z1"], "name": ["z"]}, geometry=[shapely.box(500_000, 3_545_000, 504_000,
                                                                                       3_547_500)], crs=4549)
    residents = gpd.GeoDataFrame({"households": [1], "population": [1]}, geometry=[shapely.Point(500_050, 3_545_050)],
                                 crs=4549)
    for name, gdf in (("area", area), ("zones", zones), ("residents", residents)):
        pyogrio.write_dataframe(gdf, tmp_path / "in.gpkg", layer=name, driver="GPKG")
    gpkg = tmp_path / "in.gpkg"
    status, err = cli(["unify", "--zones", f"party={gpkg}#zones", "--area", f"{gpkg}#area", "--residents",
                       f"{gpkg}#residents", "--out", tmp_path / "o"], capsys)
    assert status == 2 and "1000 communities have no county_code/street_code/community_code" in err
    assert "three digits hold at most 999" in err


# --------------------------------------------------------------------------------------------
# the last resort, and real processes


def test_a_bug_still_ends_without_a_traceback(tmp_path, capsys, monkeypatch) -> None:
    """The last resort: an exception no check foresaw gives exit 2, a short message and where to report
    it; GRIDMAP_DEBUG=1 shows the traceback for the report."""
    import gridmap.cli as cli_module

    def broken(_args):
        raise RuntimeError("boom")

    original = cli_module.build_parser

    def parser_with_a_bug(*args, **kwargs):  # build_parser may be asked for the one subcommand run
        parser = original(*args, **kwargs)
        sub = next(a for a in parser._actions if a.dest == "command")
        sub.choices["coverage"].set_defaults(func=broken)
        return parser

    monkeypatch.setattr(cli_module, "build_parser", parser_with_a_bug)
    argv = ["coverage", "--demo", "--out", str(tmp_path / "o")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "error: unexpected RuntimeError: boom" in err and "Please report it" in err
    monkeypatch.setenv("GRIDMAP_DEBUG", "1")
    assert main(argv) == 2
    assert "Traceback" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize("argv", [
    ["site", "--demo", "--target", "1.5", "--out", "{tmp}/o"],
    ["access", "--demo", "--osm", "{empty_osm}", "--no-cache", "--out", "{tmp}/o"],
    ["coverage", "--demo", "--out", "{a_file}"],
    ["run", "--config", "{tmp}/missing.toml", "--out", "{tmp}/o"],
    ["unify", "--demo", "--min-households", "0", "--max-households", "0", "--out", "{tmp}/o"],
], ids=["target", "osm", "out", "config", "households"])
def test_the_console_script_exits_2_without_a_traceback(argv, files, tmp_path) -> None:
    exe = Path(sys.executable).parent / "gridmap"
    args = [a.format(tmp=tmp_path, **{k.replace(".", "_"): str(v) for k, v in files.items()}) for a in argv]
    result = subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "error" in result.stderr
