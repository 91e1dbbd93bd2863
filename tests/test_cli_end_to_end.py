"""Every subcommand, end to end, on the synthetic city at 20,000 buildings, in three CRSs.

The city (:mod:`gridmap.scale.synthetic`, in CGCS2000 Gauss–Krüger EPSG:4549) is written as one
GeoPackage per CRS — WGS84 lon/lat (EPSG:4326), the Gauss–Krüger zone itself and UTM 50N
(EPSG:32650) — with its streets as an OSM XML file. ``info``, ``coverage``, ``unify``, ``access``,
``site``, ``report`` and ``run`` are run on each as a user would: each must exit 0 and write every
output it documents, each output must read back, and the figures must agree with the city they
were made from (households are neither lost nor counted twice; every grid code is unique and 15
digits; the coverage of the study area is the same whichever CRS the layers came in).
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest

from gridmap.cli import main
from gridmap.cli.access import OUTPUT_FILES as ACCESS_FILES
from gridmap.cli.coverage import OUTPUTS as COVERAGE_FILES
from gridmap.cli.report import OUTPUT_FILES as REPORT_FILES
from gridmap.cli.run import OUTPUTS as RUN_FILES
from gridmap.cli.site import OUTPUT_FILES as SITE_FILES
from gridmap.cli.unify import OUTPUTS as UNIFY_FILES
from gridmap.scale.synthetic import save_osm_xml, synthetic_city

# every command on a realistic 20,000-building city, in three CRSs
pytestmark = pytest.mark.slow

N_BUILDINGS = 20_000
#: WGS84 lon/lat, the city's own CGCS2000 3-degree Gauss–Krüger zone (CM 120E), UTM zone 50N.
CRSS = ("EPSG:4326", "EPSG:4549", "EPSG:32650")


@pytest.fixture(scope="session")
def city20k():
    return synthetic_city(N_BUILDINGS, seed=3)


@pytest.fixture(scope="session")
def city_dirs(city20k, tmp_path_factory) -> dict[str, Path]:
    """One folder per CRS: ``city.gpkg`` (every layer in that CRS) and ``streets.osm`` (lon/lat, as OSM is)."""
    osm = save_osm_xml(city20k.network, tmp_path_factory.mktemp("osm") / "streets.osm")
    dirs = {}
    for crs in CRSS:
        folder = tmp_path_factory.mktemp(crs.replace(":", ""))
        layers = {"study_area": city20k.study_area, "residents": city20k.residents, "centers": city20k.centers,
                  **{f"zones_{k}": v for k, v in city20k.layers.items()}}
        for name, gdf in layers.items():
            pyogrio.write_dataframe(gdf.to_crs(crs), folder / "city.gpkg", layer=name, driver="GPKG")
        (folder / "streets.osm").write_bytes(osm.read_bytes())
        dirs[crs] = folder
    return dirs


def _read_back(path: Path) -> int:
    """Open an output the way a user's tool would; the number of rows (features, table rows) or characters."""
    suffix = path.suffix.lower()
    if suffix == ".geojson":
        gdf = pyogrio.read_dataframe(path)
        assert gdf.crs is not None and gdf.crs.to_epsg() == 4326, path
        return len(gdf)
    if suffix == ".gpkg":
        return sum(len(pyogrio.read_dataframe(path, layer=name)) for name, _ in pyogrio.list_layers(path))
    if suffix == ".parquet":
        return len(gpd.read_parquet(path))
    if suffix == ".csv":
        return len(pd.read_csv(path, encoding="utf-8-sig"))
    if suffix == ".xlsx":
        return sum(len(frame) for frame in pd.read_excel(path, sheet_name=None).values())
    if suffix in (".html", ".json"):
        text = path.read_text(encoding="utf-8")
        if suffix == ".json":
            json.loads(text)
        return len(text)
    raise AssertionError(f"no reader for {path}")


def _all_written(out: Path, names) -> dict[str, int]:
    missing = [n for n in names if not (out / n).is_file()]
    assert not missing, f"not written in {out}: {missing}"
    return {n: _read_back(out / n) for n in names}


@pytest.fixture(scope="session", params=CRSS)
def runs(request, city_dirs, tmp_path_factory) -> dict:
    """Every subcommand run once on the city in one CRS; exit statuses and output folders."""
    crs = request.param
    src = city_dirs[crs]
    gpkg, osm = src / "city.gpkg", str(src / "streets.osm")
    out = tmp_path_factory.mktemp(f"out-{crs.replace(':', '')}")
    cache = str(tmp_path_factory.getbasetemp() / "net-cache")
    zones = [arg for name in ("party", "security", "urban") for arg in ("--zones", f"{name}={gpkg}#zones_{name}")]
    area, residents, centers = f"{gpkg}#study_area", f"{gpkg}#residents", f"{gpkg}#centers"
    config = out / "run.toml"
    config.write_text(
        "[inputs]\n"
        f'study_area = "{area}"\nresidents = "{residents}"\ncenters = "{centers}"\nnetwork = "{osm}"\n'
        "[inputs.zones]\n" + "".join(f'{n} = "{gpkg}#zones_{n}"\n' for n in ("party", "security", "urban"))
        + "[run]\npartition_by = \"street\"\n", encoding="utf-8")
    commands = {
        "info": ["info", str(gpkg), "--strict"],
        "coverage": ["coverage", *zones, "--area", area, "--residents", residents, "--osm", osm,
                     "--out", str(out / "coverage")],
        "unify": ["unify", *zones, "--area", area, "--residents", residents, "--out", str(out / "unify")],
        "access": ["access", "--osm", osm, "--residents", residents, "--centers", centers,
                   "--grids", str(out / "unify" / "grids.geojson"), "--cache-dir", cache, "--out", str(out / "access")],
        "site": ["site", "--osm", osm, "--residents", residents, "--centers", centers, "--k", "2",
                 "--cache-dir", cache, "--out", str(out / "site")],
        "report": ["report", "--plan", str(out / "unify" / "plan.gpkg"), "--centers", centers, "--osm", osm,
                   "--sites", "2", "--cache-dir", cache, "--out", str(out / "report")],
        "run": ["run", "--config", str(config), "--out", str(out / "run")],
    }
    status = {}
    for name, argv in commands.items():
        status[name] = main([*argv, "--quiet"] if name != "info" else argv)
    return {"crs": crs, "out": out, "status": status}


@pytest.mark.parametrize("command", ["info", "coverage", "unify", "access", "site", "report", "run"])
def test_every_command_exits_0(runs, command) -> None:
    assert runs["status"][command] == 0, f"gridmap {command} on layers in {runs['crs']}"


def test_every_output_is_written_and_reads_back(runs) -> None:
    out = runs["out"]
    expected = {"coverage": COVERAGE_FILES, "unify": UNIFY_FILES, "access": ACCESS_FILES, "site": SITE_FILES,
                "report": REPORT_FILES, "run": RUN_FILES}
    for command, names in expected.items():
        rows = _all_written(out / command, names)
        assert all(n > 0 for name, n in rows.items() if name.endswith((".html", ".json", ".xlsx"))), (command, rows)


def test_households_are_kept_and_grid_codes_unique(runs, city20k) -> None:
    """Independent of how the grids were made: every household of the city is in exactly one grid."""
    total = int(city20k.residents["households"].sum())
    for command in ("unify", "run"):
        grids = pyogrio.read_dataframe(runs["out"] / command / "grids.geojson")
        assert int(grids["households"].sum()) == total, (command, runs["crs"])
        codes = grids["grid_code"].astype(str)
        assert codes.is_unique and codes.str.fullmatch(r"\d{15}").all(), command
        # the 12-digit prefix of each grid is its community's admin code (no fallback 000000000NNN codes)
        assert set(codes.str[:12]) <= set(city20k.study_area["area_id"].astype(str)), command
    access = pyogrio.read_dataframe(runs["out"] / "access" / "residents_access.geojson")
    assert len(access) == N_BUILDINGS and int(access["households"].sum()) == total


def test_coverage_is_the_same_in_every_crs(runs, city20k) -> None:
    """The study area's coverage share by any layer does not depend on the CRS the layers came in
    (each run measures in its own metric CRS; the shares agree to 1e-4)."""
    summary = pd.read_csv(runs["out"] / "coverage" / "summary.csv", encoding="utf-8-sig").set_index("layer")
    share = float(summary.loc["any", "area_share"])
    area = city20k.study_area.geometry.union_all()
    covered = gpd.GeoSeries([g.geometry.union_all() for g in city20k.layers.values()], crs=city20k.study_area.crs)
    expected = covered.union_all().intersection(area).area / area.area  # shapely overlay, in the city's own CRS
    assert share == pytest.approx(expected, abs=1e-4), runs["crs"]
    assert np.isfinite(summary["area_share"]).all()
