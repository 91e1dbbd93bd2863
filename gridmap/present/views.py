"""What the app's pages show, computed from the core's results (presentation floor; no streamlit).

The Streamlit pages (``app.py``, ``gridmap.app/``) keep no analysis of their own: the numbers they
show, the cells they colour and the files they offer come from here, so the same figures can be
tested without a browser and reused by other faces.

* :func:`overview_kpis` — the headline figures of the 总览 page, read off the coverage summary,
  the access results and (once a plan exists) the grids;
* :func:`coverage_simplify_layer` — geometry for the browser: a polygon coverage (mosaic faces,
  communities) simplified without opening gaps between neighbours;
* :func:`for_display`, :func:`from_display`, :func:`geometry_from_display` — the GCJ-02 shift for
  Chinese web-map tiles, for display only, and back for what the user clicks or draws;
* :func:`band_status` — each grid of a plan against the household band (the 网格 page's colours);
* :func:`label_points`, :func:`hex_bins`, :func:`households_by_coverage` — household-weighted
  heat: residents labelled by the faces they sit in, summed into hexagons;
* :func:`feature_at`, :func:`residents_within` — what was clicked, and who lives there;
* :func:`layer_bytes`, :func:`excel_workbook`, :func:`csv_bytes` — downloads.
"""

from __future__ import annotations

import io as _io
import math
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.defaults import band_status as product_band_status
from gridmap.errors import GridmapError
from gridmap.io.crs import convert_coordinates, working_crs
from gridmap.io.files import write_geojson, write_gpkg, write_shapefile_zip
from gridmap.vocab import LIST_SEP, Joined

__all__ = [
    "OverviewKPIs",
    "overview_kpis",
    "households_within",
    "format_share",
    "format_count",
    "coverage_simplify_layer",
    "web_layer",
    "single_feature",
    "for_display",
    "from_display",
    "geometry_from_display",
    "band_status",
    "BAND_STATUSES",
    "representative_points",
    "label_points",
    "households_by_coverage",
    "hex_bins",
    "feature_at",
    "residents_within",
    "zone_of",
    "for_file",
    "layer_bytes",
    "csv_bytes",
    "excel_workbook",
    "EXPORT_FORMATS",
]

#: Missing figure (e.g. grids outside the band before a grid plan exists).
DASH = "—"

#: Download formats: key → (file suffix, MIME type).
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "geojson": (".geojson", "application/geo+json"),
    "gpkg": (".gpkg", "application/geopackage+sqlite3"),
    "shp": (".zip", "application/zip"),
}


# ------------------------------------------------------------------------------------------------
# KPIs


@dataclass(frozen=True)
class OverviewKPIs:
    """Headline figures; ``None`` where the input that gives them is not there."""

    area_share: float | None  # study area covered by at least one zone layer (0–1)
    households_share: float | None  # households covered by at least one layer (0–1)
    households_total: int | None
    blind_households: int | None  # households in 盲区 (covered by no layer)
    within_share: float | None  # households within the largest life circle (0–1)
    within_label: str | None  # that life circle, e.g. "15min"
    grids_total: int | None
    grids_outside_band: int | None  # grids whose households fall outside the band


def overview_kpis(
    coverage_summary: pd.DataFrame,
    access_residents: pd.DataFrame | None = None,
    within_labels: Sequence[str] | None = None,
    grids: pd.DataFrame | None = None,
    band: tuple[float, float] | None = None,
) -> OverviewKPIs:
    """The 总览 figures.

    Parameters
    ----------
    coverage_summary : ``CoverageReport.summary`` (its ``any`` row is read).
    access_residents : ``AccessResult.residents`` (``households``, ``life_circle``), optional.
    within_labels : the life-circle labels that count as "within" (``AccessResult.labels``);
        the last one names the figure.
    grids : a grid layer with ``households`` (a plan), optional; with ``band`` = (low, high)
        the grids with households below ``low`` or above ``high`` are counted.
    """
    row = coverage_summary.set_index("layer").loc["any"]
    has_hh = "households" in row.index and not pd.isna(row.get("households"))
    hh_total = int(row["households"]) if has_hh else None
    blind = int(row["households"]) - int(row["households_covered"]) if has_hh else None
    hh_share = float(row["households_share"]) if has_hh and not pd.isna(row["households_share"]) else None
    area_share = float(row["area_share"]) if not pd.isna(row["area_share"]) else None

    within_share = within_label = None
    if access_residents is not None and within_labels:
        within_share = households_within(access_residents, within_labels)
        within_label = str(within_labels[-1])

    grids_total = outside = None
    if grids is not None:
        grids_total = int(len(grids))
        if band is not None and "households" in grids.columns:
            lo, hi = band
            h = pd.to_numeric(grids["households"], errors="coerce")
            outside = int(((h < lo) | (h > hi)).sum())
    return OverviewKPIs(area_share, hh_share, hh_total, blind, within_share, within_label, grids_total, outside)


def households_within(access_residents: pd.DataFrame, within_labels: Sequence[str]) -> float | None:
    """Share (0–1) of households whose ``life_circle`` is one of ``within_labels``; None if no
    households."""
    hh = pd.to_numeric(access_residents["households"], errors="coerce").fillna(0).to_numpy()
    circle = access_residents["life_circle"].astype(object).to_numpy()
    total = hh.sum()
    return float(hh[np.isin(circle, list(within_labels))].sum() / total) if total else None


def format_share(x: float | None, decimals: int = 1) -> str:
    """``0.9947`` → ``"99.5%"``; ``None`` → ``"—"``."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return DASH
    return f"{100.0 * x:.{decimals}f}%"


def format_count(n: int | None) -> str:
    """``36446`` → ``"36,446"``; ``None`` → ``"—"``."""
    return DASH if n is None else f"{int(n):,}"


# ------------------------------------------------------------------------------------------------
# geometry for the browser


def _polygonal(geoms: np.ndarray) -> bool:
    types = shapely.get_type_id(geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))])
    return bool(len(types)) and bool(np.isin(types, (3, 6)).all())


def coverage_simplify_layer(gdf: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """A copy of a polygon layer simplified for display, without opening gaps between neighbours.

    A valid polygon coverage (no overlaps: mosaic faces, communities, a grid plan) is simplified
    with ``shapely.coverage_simplify`` — shared edges are simplified once, so neighbours stay
    edge to edge. A layer that is not a valid coverage (overlapping zones) falls back to
    simplifying each polygon on its own (topology preserved). Work is done in the layer's metric
    CRS (:func:`gridmap.io.crs.working_crs`: its own if true to scale, else its zone); the result has the input's
    CRS, rows and columns.
    """
    if gdf.empty or tolerance_m <= 0:
        return gdf.copy()
    work = gdf if gdf.crs is None else gdf.to_crs(working_crs(gdf))
    geoms = work.geometry.to_numpy()
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not _polygonal(geoms):
        # contract: valid use never gets here; English on purpose (not a user's message)
        raise ValueError("coverage_simplify_layer expects polygons")
    out = geoms.copy()
    if bool(shapely.coverage_is_valid(geoms[ok])):
        out[ok] = shapely.coverage_simplify(geoms[ok], tolerance_m, simplify_boundary=True)
    else:
        out[ok] = shapely.simplify(geoms[ok], tolerance_m, preserve_topology=True)
    res = work.set_geometry(out, crs=work.crs)
    return res if res.crs is None or res.crs.equals(gdf.crs) else res.to_crs(gdf.crs)


def web_layer(gdf: gpd.GeoDataFrame, tolerance_m: float = 0.0, decimals: int = 6,
              coverage: bool = False) -> gpd.GeoDataFrame:
    """A lighter copy of a layer for a web map, in EPSG:4326 with coordinates rounded.

    ``tolerance_m`` > 0 simplifies: a polygon coverage (``coverage=True``) with
    :func:`coverage_simplify_layer` (no gaps open between neighbours), anything else feature by
    feature with topology preserved. Rounding maps equal coordinates to equal coordinates, so
    shared edges stay shared. For display only.
    """
    out = gdf
    if tolerance_m > 0 and len(gdf):
        if coverage:
            out = coverage_simplify_layer(gdf, tolerance_m)
        else:
            work = gdf if gdf.crs is None else gdf.to_crs(working_crs(gdf))
            geoms = work.geometry.to_numpy()
            ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
            simplified = geoms.copy()
            simplified[ok] = shapely.simplify(geoms[ok], tolerance_m, preserve_topology=True)
            out = work.set_geometry(simplified, crs=work.crs)
    out = out.to_crs("EPSG:4326") if not out.crs.equals("EPSG:4326") else out.copy()
    geoms = shapely.transform(out.geometry.to_numpy(), lambda xy: np.round(xy, decimals))
    out = out.set_geometry(geoms, crs="EPSG:4326")
    return out[~(out.geometry.isna() | out.geometry.is_empty)]


def single_feature(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """All geometries of a layer as one multi-part feature, attributes dropped.

    For a backdrop drawn with one style and no tooltips (streets, buildings): one GeoJSON feature
    instead of thousands saves their per-feature wrapping, and the browser draws one path.
    Parts are collected, not unioned (overlaps stay as they are).
    """
    geoms = gdf.geometry.to_numpy()
    parts = shapely.get_parts(geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))])
    if not len(parts):
        return gpd.GeoDataFrame(geometry=[], crs=gdf.crs)
    kinds = set(shapely.get_type_id(parts).tolist())
    if kinds <= {3}:
        geom = shapely.multipolygons(parts)
    elif kinds <= {1, 2}:
        geom = shapely.multilinestrings(parts)
    elif kinds <= {0}:
        geom = shapely.multipoints(parts)
    else:
        geom = shapely.geometrycollections(parts)
    return gpd.GeoDataFrame(geometry=[geom], crs=gdf.crs)


def for_display(gdf: gpd.GeoDataFrame, system: str | None) -> gpd.GeoDataFrame:
    """The layer in EPSG:4326, shifted to ``system`` (``"gcj02"`` for 高德/腾讯 tiles) for display.

    ``None`` or ``"wgs84"`` only reprojects. Never feed the result back into an analysis: it is
    off by hundreds of metres on purpose, to sit right on the offset tiles.
    """
    out = gdf if gdf.crs is not None and gdf.crs.equals("EPSG:4326") else gdf.to_crs("EPSG:4326")
    if system is None or system.lower() == "wgs84":
        return out
    return convert_coordinates(out, "wgs84", system)


def from_display(lon: float, lat: float, system: str | None) -> tuple[float, float]:
    """A clicked lon/lat on a map shown in ``system`` back to WGS84."""
    if system is None or system.lower() == "wgs84":
        return float(lon), float(lat)
    pt = gpd.GeoDataFrame(geometry=[shapely.Point(lon, lat)], crs="EPSG:4326")
    back = convert_coordinates(pt, system, "wgs84").geometry.iloc[0]
    return float(back.x), float(back.y)


def geometry_from_display(geom: shapely.Geometry, system: str | None) -> shapely.Geometry:
    """A shape drawn on a map shown in ``system`` (lon/lat) back to WGS84 lon/lat, every vertex
    shifted (the inverse of :func:`for_display` for one geometry)."""
    if system is None or system.lower() == "wgs84":
        return geom
    gdf = gpd.GeoDataFrame(geometry=[geom], crs="EPSG:4326")
    return convert_coordinates(gdf, system, "wgs84").geometry.iloc[0]


#: Band statuses of a grid, in legend order.
BAND_STATUSES = ("in_band", "below", "above", "locked", "empty")


def band_status(households: Sequence[float] | np.ndarray, low: float, high: float,
                locked: Sequence[bool] | np.ndarray | None = None,
                n_units: Sequence[int] | np.ndarray | None = None) -> np.ndarray:
    """Per grid: ``locked`` (whatever its households), ``empty`` (no units), else the band rule
    :func:`gridmap.defaults.band_status` (``below`` / ``in_band`` / ``above`` [``low``, ``high``],
    inclusive), as the plan's ``households_band`` check (which skips empty grids)."""
    out = product_band_status(households, low, high)
    if n_units is not None:
        out[np.asarray(n_units) == 0] = "empty"
    if locked is not None:
        out[np.asarray(locked, dtype=bool)] = "locked"
    return out


# ------------------------------------------------------------------------------------------------
# household-weighted heat


def representative_points(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Each feature's point: points as they are, lines and polygons at their point on surface."""
    geoms = gdf.geometry.to_numpy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    pts = geoms.copy()
    pts[missing] = None
    not_point = ~missing & (shapely.get_type_id(np.where(missing, shapely.Point(), geoms)) != 0)
    pts[not_point] = shapely.point_on_surface(pts[not_point])
    return pts


def label_points(gdf: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame, columns: Sequence[str],
                 fill: object = None) -> pd.DataFrame:
    """For each feature of ``gdf``, ``columns`` of the polygon holding its representative point.

    Where polygons overlap, the first listed wins; features in none get ``fill``. Returns a
    DataFrame indexed like ``gdf``.
    """
    pts = representative_points(gdf.to_crs(polygons.crs) if not gdf.crs.equals(polygons.crs) else gdf)
    out = pd.DataFrame({c: pd.Series([fill] * len(gdf), dtype=object) for c in columns})
    ok = np.array([p is not None for p in pts], dtype=bool)
    if ok.any() and len(polygons):
        tree = shapely.STRtree(polygons.geometry.to_numpy())
        pi, qi = tree.query(pts[ok], predicate="within")
        order = np.lexsort((qi, pi))
        pi, qi = pi[order], qi[order]
        first = np.unique(pi, return_index=True)[1]
        rows = np.flatnonzero(ok)[pi[first]]
        for c in columns:
            out.loc[rows, c] = polygons[c].to_numpy()[qi[first]]
    out.index = gdf.index
    return out


def households_by_coverage(residents: gpd.GeoDataFrame, faces: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Residents with ``n_layers`` (systems covering the face they sit in; 0 = 盲区) and
    ``uncovered_households`` (their households where ``n_layers`` is 0, else 0).

    Residents outside every face (outside the study area and all zones) get ``n_layers`` 0 too:
    nobody covers them. Same rule as the mosaic, which sums residents into faces by the face
    holding their point on surface.
    """
    lab = label_points(residents, faces, ["n_layers"], fill=0)
    out = residents.copy()
    out["n_layers"] = lab["n_layers"].astype("int64").to_numpy()
    hh = pd.to_numeric(out["households"], errors="coerce").fillna(0).astype("int64")
    out["uncovered_households"] = np.where(out["n_layers"] == 0, hh, 0)
    return out


def _hex_axial(x: np.ndarray, y: np.ndarray, size: float) -> tuple[np.ndarray, np.ndarray]:
    """Axial (q, r) of the pointy-top hexagon (circumradius ``size``) holding each point."""
    q = (math.sqrt(3) / 3 * x - y / 3) / size
    r = (2 / 3 * y) / size
    # cube rounding
    cx, cz = q, r
    cy = -cx - cz
    rx, ry, rz = np.round(cx), np.round(cy), np.round(cz)
    dx, dy, dz = np.abs(rx - cx), np.abs(ry - cy), np.abs(rz - cz)
    fix_x = (dx > dy) & (dx > dz)
    fix_y = ~fix_x & (dy > dz)
    rx = np.where(fix_x, -ry - rz, rx)
    ry = np.where(fix_y, -rx - rz, ry)
    rz = np.where(~fix_x & ~fix_y, -rx - ry, rz)
    return rx.astype(np.int64), rz.astype(np.int64)


def _hexagon(q: np.ndarray, r: np.ndarray, size: float) -> np.ndarray:
    cx = size * math.sqrt(3) * (q + r / 2.0)
    cy = size * 1.5 * r
    angles = np.deg2rad(30 + 60 * np.arange(7))  # pointy top, closed ring
    xs = cx[:, None] + size * np.cos(angles)[None, :]
    ys = cy[:, None] + size * np.sin(angles)[None, :]
    return shapely.polygons(np.stack([xs, ys], axis=-1))


def hex_bins(gdf: gpd.GeoDataFrame, columns: Sequence[str], size_m: float = 100.0) -> gpd.GeoDataFrame:
    """Sum ``columns`` of the features into pointy-top hexagons of circumradius ``size_m`` metres.

    Each feature counts in the hexagon holding its representative point. Only hexagons holding
    at least one feature are returned: ``hex_id`` (``q_r``), ``features``, the sums; in the
    working CRS of ``gdf`` (:func:`gridmap.io.crs.working_crs`). Hexagons tile
    the plane, so the sums add up to the layer's totals.
    """
    if size_m <= 0:
        raise GridmapError("err_views_size_m_must_positive")
    crs = working_crs(gdf)
    work = gdf.to_crs(crs) if not gdf.crs.equals(crs) else gdf
    pts = representative_points(work)
    ok = np.array([p is not None for p in pts], dtype=bool)
    xy = shapely.get_coordinates(pts[ok])
    cols = list(columns)
    if not len(xy):
        return gpd.GeoDataFrame({"hex_id": [], "features": [], **{c: [] for c in cols}}, geometry=[], crs=crs)
    q, r = _hex_axial(xy[:, 0], xy[:, 1], size_m)
    frame = pd.DataFrame({"q": q, "r": r, "features": 1})
    for c in cols:
        frame[c] = pd.to_numeric(work[c], errors="coerce").fillna(0).to_numpy()[ok]
    agg = frame.groupby(["q", "r"], sort=True).sum().reset_index()
    for c in cols:
        if np.allclose(agg[c], agg[c].round()):
            agg[c] = agg[c].round().astype("int64")
    geoms = _hexagon(agg["q"].to_numpy().astype(float), agg["r"].to_numpy().astype(float), size_m)
    agg.insert(0, "hex_id", [f"{a}_{b}" for a, b in zip(agg["q"], agg["r"], strict=True)])
    return gpd.GeoDataFrame(agg.drop(columns=["q", "r"]), geometry=geoms, crs=crs)


# ------------------------------------------------------------------------------------------------
# clicks


def feature_at(gdf: gpd.GeoDataFrame, lon: float, lat: float, tolerance_m: float = 0.0) -> int | None:
    """Position (0-based) of the first feature of ``gdf`` containing the WGS84 point, or None.

    ``tolerance_m`` widens the test (a click on a thin sliver or on an outline).
    """
    if gdf.empty:
        return None
    pt = gpd.GeoSeries([shapely.Point(lon, lat)], crs="EPSG:4326")
    crs = working_crs(gdf)
    geoms = (gdf.to_crs(crs) if not gdf.crs.equals(crs) else gdf).geometry.to_numpy()
    p = pt.to_crs(crs).iloc[0]
    tree = shapely.STRtree(geoms)
    hits = tree.query(p, predicate="intersects") if tolerance_m <= 0 else tree.query(
        p, predicate="dwithin", distance=tolerance_m)
    return int(np.min(hits)) if len(hits) else None


def residents_within(residents: gpd.GeoDataFrame, geom: shapely.Geometry, crs) -> gpd.GeoDataFrame:
    """The residents whose representative point lies in ``geom`` (given in ``crs``)."""
    work = residents.to_crs(crs) if not residents.crs.equals(crs) else residents
    pts = representative_points(work)
    ok = np.array([p is not None for p in pts], dtype=bool)
    inside = np.zeros(len(residents), dtype=bool)
    inside[ok] = shapely.within(pts[ok], geom)
    return residents[inside]


def zone_of(gdf: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, zone_id: str) -> pd.Series:
    """The ``zone_id`` of the zone holding each feature's representative point (None if none)."""
    return label_points(gdf, zones, [zone_id])[zone_id]


# ------------------------------------------------------------------------------------------------
# downloads


def for_file(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy writable by every driver: categoricals and other objects as text, bools kept."""
    out = gdf.copy()
    for c in out.columns:
        if c == out.geometry.name:
            continue
        if isinstance(out[c].dtype, pd.CategoricalDtype):
            out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out


def layer_bytes(gdf: gpd.GeoDataFrame, fmt: str, name: str, partition: bool = False) -> bytes:
    """The layer as a file, in memory: ``geojson`` (RFC 7946), ``gpkg`` or ``shp`` (zipped).

    Written through :mod:`gridmap.io.files`, so the bytes are what the command line writes;
    ``partition`` (mosaic faces, units, grids) keeps a partition one in GeoJSON.
    """
    if fmt not in EXPORT_FORMATS:
        raise GridmapError("err_views_unknown_format_use_one", fmt=fmt, formats=Joined(EXPORT_FORMATS, LIST_SEP))
    safe = re.sub(r"[^\w\-]+", "_", name).strip("_") or "layer"
    data = for_file(gdf)
    with tempfile.TemporaryDirectory(prefix="gridmap-export-") as tmp:
        path = Path(tmp) / f"{safe}{EXPORT_FORMATS[fmt][0]}"
        if fmt == "geojson":
            write_geojson(data, path, partition=partition)
        elif fmt == "gpkg":
            write_gpkg({safe: data}, path)
        else:
            write_shapefile_zip(data, path, safe)
        return path.read_bytes()


def csv_bytes(table: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark, so Excel on Chinese Windows shows the characters right."""
    return table.to_csv(index=False).encode("utf-8-sig")


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", str(name))[:31] or "sheet"
    out, k = base, 1
    while out.lower() in used:
        suffix = f"_{k}"
        out = base[: 31 - len(suffix)] + suffix
        k += 1
    used.add(out.lower())
    return out


def excel_workbook(tables: Mapping[str, pd.DataFrame]) -> bytes:
    """An .xlsx (openpyxl) with one sheet per table; geometry columns are left out.

    Sheet names are cut to Excel's 31 characters and made unique; headers are frozen and
    columns sized to their contents.
    """
    buf = _io.BytesIO()
    used: set[str] = set()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, table in tables.items():
            frame = pd.DataFrame(table)
            if isinstance(table, gpd.GeoDataFrame):
                frame = frame.drop(columns=[table.geometry.name])
            for c in frame.columns:
                if isinstance(frame[c].dtype, pd.CategoricalDtype):
                    frame[c] = frame[c].astype(object)
            sheet = _sheet_name(name, used)
            frame.to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            ws.freeze_panes = "A2"
            for i, col in enumerate(frame.columns, start=1):
                width = max([len(str(col))] + [len(str(v)) for v in frame[col].head(200).tolist()])
                ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(60, max(8, width + 2))
    return buf.getvalue()
