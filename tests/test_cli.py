"""The ``gridmap info`` command: what it prints and its exit status."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from gridmap.cli import main
from gridmap.io.files import write_gpkg


def _plan(tmp_path: Path) -> Path:
    zones = gpd.GeoDataFrame({"zone_id": ["Z1", "Z1"], "name": ["华侨路网格", "汉中路网格"]},
                             geometry=[shapely.box(500_000, 3_545_000, 500_100, 3_545_100),
                                       shapely.box(500_100, 3_545_000, 500_300, 3_545_100)], crs=4549)
    centers = gpd.GeoDataFrame({"center_id": ["C1"], "name": ["新街口党群服务中心"]},
                               geometry=[shapely.Point(118.78, 32.04)], crs=4326)
    return write_gpkg({"zones_party": zones, "centers": centers}, tmp_path / "plan.gpkg")


def test_info_lists_layers_crs_counts_bounds_types_and_problems(tmp_path: Path, capsys) -> None:
    path = _plan(tmp_path)
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "layers (2): zones_party [Polygon], centers [Point]" in out
    assert "CRS: CGCS2000 / 3-degree Gauss-Kruger CM 120E (EPSG:4549)" in out
    assert "features: 2" in out and "geometry types: Polygon 2" in out
    assert "bounds: 500000.000000, 3545000.000000 – 500300.000000, 3545100.000000" in out
    assert "bounds (lon/lat): 120.000000, 32.028385 – 120.003176, 32.029287" in out  # easting 500 km = CM 120E
    assert "checked as: zone layer (网格)" in out
    assert "zone_id 'Z1' is used by 2 features (rows 1, 2)" in out
    assert "checked as: service centres (服务中心)" in out and "problems: none" in out


def test_info_strict_exits_1_on_errors_and_one_layer_can_be_chosen(tmp_path: Path, capsys) -> None:
    path = _plan(tmp_path)
    assert main(["info", str(path), "--layer", "zones_party", "--strict"]) == 1
    assert main(["info", str(path), "--layer", "centers", "--strict"]) == 0
    assert "layer: zones_party" not in capsys.readouterr().out.split("layer: centers")[1]


def test_info_on_unreadable_file_exits_2(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "broken.geojson"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["info", str(bad)]) == 2
    assert "broken.geojson" in capsys.readouterr().err


@pytest.mark.slow
def test_console_script_is_installed(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "gridmap"
    result = subprocess.run([str(exe), "info", str(_plan(tmp_path)), "--layer", "centers"],
                            capture_output=True, text=True, encoding="utf-8", check=True)
    assert "新街口党群服务中心" not in result.stdout  # info describes, it does not dump rows
    assert "layer: centers" in result.stdout and "features: 1" in result.stdout
