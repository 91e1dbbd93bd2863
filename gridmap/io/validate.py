"""Check layers against the data model (docs/design.md §2), repair what can be repaired, report the rest.

Every problem names the file, the layer, the row (1-based, in file order) and its id, the column,
what is wrong and what to do. Invalid polygons are repaired with ``shapely.make_valid`` (keeping
the polygonal part) and listed; Z coordinates are dropped and listed; nothing is dropped silently.
Problems that cannot be repaired are errors: :func:`validate_layer` returns them in the report and
:meth:`ValidationReport.raise_for_errors` turns them into one :class:`LayerError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.defaults import SPECIAL_GROUPS
from gridmap.errors import LayerError
from gridmap.io.transformers import transformer
from gridmap.vocab import Message

__all__ = [
    "AREA_OVERLAP_REPAIR_SHARE",
    "KINDS",
    "LIST_SEPARATOR",
    "MAX_UNCODED_COMMUNITIES",
    "SPECIAL_GROUPS",
    "LayerError",
    "Problem",
    "ValidationReport",
    "validate_layer",
    "guess_kind",
]

@dataclass(frozen=True)
class Schema:
    """What one kind of layer must hold."""

    label: str
    geometry: str  # "polygon", "point", "point_or_polygon"
    required: tuple[str, ...]
    id_column: str | None
    counts: tuple[str, ...] = ()  # whole numbers >= 0
    codes: dict[str, int] = field(default_factory=dict)  # column -> number of digits


KINDS: dict[str, Schema] = {
    "study_area": Schema(
        "study area (辖区)",
        "polygon",
        ("area_id", "name"),
        "area_id",
        codes={"county_code": 6, "street_code": 3, "community_code": 3},
    ),
    "zones": Schema("zone layer (网格)", "polygon", ("zone_id", "name"), "zone_id"),
    "residents": Schema(
        "residents (住户)",
        "point_or_polygon",
        ("households", "population"),
        None,
        counts=("households", "population", *SPECIAL_GROUPS),
    ),
    "centers": Schema("service centres (服务中心)", "point", ("center_id", "name"), "center_id", counts=("capacity",)),
}

#: Joins several ids in one cell (``<layer>_ids`` of faces, ``area_id`` of a piece in two communities):
#: ids may not contain it.
LIST_SEPARATOR = ";"

#: Overlaps between communities up to this share of the smaller one are digitising noise and are
#: repaired (the later row gives the overlap up, listed); larger ones are errors.
AREA_OVERLAP_REPAIR_SHARE = 0.01

#: Communities with no admin codes are numbered 000000000001…: three digits.
MAX_UNCODED_COMMUNITIES = 999

# Columns that identify a row in messages when the schema has no id column of its own.
_FALLBACK_ID_COLUMNS = ("resident_id", "building_id", "id", "fid", "osm_id", "name")


@dataclass(frozen=True)
class Problem:
    """One finding about one layer (and, where it applies, one row and column)."""

    severity: str  # "error" (must be fixed), "repaired" (fixed here, listed), "warning"
    code: str
    message: str
    row: int | None = None  # 1-based position in the file
    feature_id: str | None = None
    column: str | None = None


@dataclass
class ValidationReport:
    """All problems found in one layer, in the order found."""

    source: str
    layer: str | None
    kind: str | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def where(self) -> str:
        """The file and layer the problems belong to, as messages name them (``path, layer 'x'``)."""
        return f"{self.source}" + (f", layer '{self.layer}'" if self.layer else "")

    def add(self, severity: str, code: str, message: str, row: int | np.integer | None = None,
            feature_id: object = None, column: str | None = None) -> None:
        """Record one problem; ``row`` is the 1-based row of the file, ``feature_id`` the layer's own id.

        A row may be a numpy integer (a position found by ``np.flatnonzero`` plus one); it is kept as an
        int. A missing id (None or NaN) is kept as None so that messages do not print ``id nan``; any other
        id is kept as text (an int id and its text form name the same feature).
        """
        fid = (None if feature_id is None or (isinstance(feature_id, float) and np.isnan(feature_id))
               else str(feature_id))
        self.problems.append(Problem(severity, code, message, None if row is None else int(row), fid, column))

    @property
    def errors(self) -> list[Problem]:
        """The problems that stop the layer from being used (severity ``error``)."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def repairs(self) -> list[Problem]:
        """What was changed in the data to make it usable (severity ``repaired``), so a user can check it."""
        return [p for p in self.problems if p.severity == "repaired"]

    @property
    def warnings(self) -> list[Problem]:
        """Doubtful values that were used as they are (severity ``warning``)."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when no problem is an error: repairs and warnings still let the layer be used."""
        return not self.errors

    def format_problem(self, p: Problem) -> str:
        """One problem as a line a user can act on: severity, file, layer, row, id and column, then the message."""
        parts = [self.where]
        if p.row is not None:
            parts.append(f"row {p.row}" + (f" (id {p.feature_id})" if p.feature_id is not None else ""))
        if p.column:
            parts.append(f"column '{p.column}'")
        return f"[{p.severity}] " + ", ".join(parts) + f": {p.message}"

    def lines(self, limit: int | None = None) -> list[str]:
        """The problems as :meth:`format_problem` lines; with ``limit``, the first ``limit`` and a count of the rest."""
        shown = self.problems if limit is None else self.problems[:limit]
        out = [self.format_problem(p) for p in shown]
        if limit is not None and len(self.problems) > limit:
            out.append(f"... and {len(self.problems) - limit} more problems")
        return out

    def __str__(self) -> str:
        """Every problem, one line each, or a line saying that none was found."""
        if not self.problems:
            return f"{self.where}: no problems found"
        return "\n".join(self.lines())

    def to_frame(self) -> pd.DataFrame:
        """One row per problem (for CSV/Excel reports and the app)."""
        return pd.DataFrame(
            [
                {"source": self.source, "layer": self.layer, "severity": p.severity, "code": p.code,
                 "row": p.row, "feature_id": p.feature_id, "column": p.column, "message": p.message}
                for p in self.problems
            ],
            columns=["source", "layer", "severity", "code", "row", "feature_id", "column", "message"],
        )

    def raise_for_errors(self, limit: int = 25) -> None:
        """Raise one :class:`LayerError` listing every error (up to ``limit``), if there is any."""
        errors = self.errors
        if not errors:
            return
        lines = "\n".join(self.format_problem(p) for p in errors[:limit])
        more = Message("err_more_errors", n=len(errors) - limit) if len(errors) > limit else ""
        raise LayerError("err_layer_problems", self, where=self.where, n=len(errors), lines=lines, more=more)


def guess_kind(columns: list[str] | pd.Index) -> str | None:
    """Guess the kind of a layer from its columns (for ``gridmap info``); ``None`` if unclear."""
    cols = set(columns)
    if "zone_id" in cols:
        return "zones"
    if "center_id" in cols:
        return "centers"
    if "households" in cols or "population" in cols:
        return "residents"
    if "area_id" in cols:
        return "study_area"
    return None


# --------------------------------------------------------------------------------------------
# checks


def _row_ids(gdf: gpd.GeoDataFrame, schema: Schema | None) -> pd.Series:
    """The value that names each row in messages (the id column, else a likely id, else None)."""
    candidates = ([schema.id_column] if schema and schema.id_column else []) + list(_FALLBACK_ID_COLUMNS)
    for col in candidates:
        if col in gdf.columns:
            return gdf[col].astype(object).where(gdf[col].notna(), None)
    return pd.Series([None] * len(gdf), index=gdf.index, dtype=object)


def _examples(values, n: int = 5) -> str:
    values = list(values)
    shown = ", ".join(str(v) for v in values[:n])
    return shown + (f" … ({len(values)} in all)" if len(values) > n else "")


def _check_columns(gdf, schema: Schema, report: ValidationReport) -> bool:
    missing = [c for c in schema.required if c not in gdf.columns]
    present = [c for c in gdf.columns if c != gdf.geometry.name]
    for col in missing:
        report.add(
            "error", "missing_column",
            f"required column '{col}' is missing for a {schema.label}; columns present: {_examples(present, 12)}. "
            f"Rename the column in the source, or map it (gridmap: --map {col}=<your column>).",
            column=col,
        )
    return not missing


def _check_ids(gdf, schema: Schema, ids: pd.Series, report: ValidationReport) -> None:
    col = schema.id_column
    if col is None or col not in gdf.columns:
        return
    values = gdf[col]
    blank = values.isna() | (values.astype(str).str.strip() == "")
    for pos in np.flatnonzero(blank.to_numpy()):
        report.add("error", "missing_id", f"'{col}' is empty. Every feature needs its own {col}; fill it in.",
                   row=pos + 1, column=col)
    keys = values.astype(str).str.strip()
    listed = keys.str.contains(LIST_SEPARATOR, regex=False) & ~blank
    for pos in np.flatnonzero(listed.to_numpy()):
        report.add("error", "list_separator_in_id",
                   f"{col} '{keys.iloc[pos]}' contains '{LIST_SEPARATOR}', which gridmap uses to list several ids "
                   "in one cell (a face covered by two zones, a grid's main zone, outside.geojson): the id would "
                   f"be read as two. Replace '{LIST_SEPARATOR}' in the id (e.g. with '-' or '/').",
                   row=pos + 1, feature_id=keys.iloc[pos], column=col)
    dup = keys.duplicated(keep=False) & ~blank
    for value, rows in keys[dup].groupby(keys[dup]).groups.items():
        positions = [gdf.index.get_loc(r) + 1 for r in rows]
        report.add(
            "error", "duplicate_id",
            f"{col} '{value}' is used by {len(positions)} features (rows {_examples(positions)}). "
            f"Each {col} must be unique within the layer: renumber or merge them.",
            row=positions[0], feature_id=value, column=col,
        )


def _check_counts(gdf, schema: Schema, ids: pd.Series, report: ValidationReport) -> gpd.GeoDataFrame:
    for col in schema.counts:
        if col not in gdf.columns:
            continue
        raw = gdf[col]
        numeric = pd.to_numeric(raw, errors="coerce")
        not_numeric = numeric.isna() & raw.notna() & (raw.astype(str).str.strip() != "")
        missing = raw.isna() | (raw.astype(str).str.strip() == "")
        for pos in np.flatnonzero(not_numeric.to_numpy()):
            report.add("error", "not_numeric",
                       f"value {raw.iloc[pos]!r} is not a number. '{col}' must be a whole number ≥ 0.",
                       row=pos + 1, feature_id=ids.iloc[pos], column=col)
        required = col in schema.required
        for pos in np.flatnonzero(missing.to_numpy()):
            if required:
                report.add("error", "missing_value", f"'{col}' is empty. Enter a whole number ≥ 0 (0 if none).",
                           row=pos + 1, feature_id=ids.iloc[pos], column=col)
        negative = numeric < 0
        for pos in np.flatnonzero(negative.to_numpy()):
            report.add("error", "negative",
                       f"value {numeric.iloc[pos]:g} is negative. '{col}' counts people or households and must be ≥ 0.",
                       row=pos + 1, feature_id=ids.iloc[pos], column=col)
        fractional = numeric.notna() & (numeric >= 0) & (numeric != np.floor(numeric))
        for pos in np.flatnonzero(fractional.to_numpy()):
            report.add("error", "not_whole",
                       f"value {numeric.iloc[pos]:g} is not a whole number. '{col}' must be a whole count ≥ 0.",
                       row=pos + 1, feature_id=ids.iloc[pos], column=col)
        good = numeric.notna() & ~negative & ~fractional
        if good.all() and not (missing & ~required).any():
            gdf[col] = numeric.astype("int64")
        elif not required and (good | missing).all():
            gdf[col] = numeric.astype("Int64")
    if schema is KINDS["residents"] and {"households", "population"} <= set(gdf.columns):
        hh = pd.to_numeric(gdf["households"], errors="coerce")
        pop = pd.to_numeric(gdf["population"], errors="coerce")
        odd = (pop < hh) & hh.notna() & pop.notna()
        for pos in np.flatnonzero(odd.to_numpy()):
            report.add("warning", "population_below_households",
                       f"population {pop.iloc[pos]:g} is below households {hh.iloc[pos]:g}; every household has at "
                       "least one person. Check both columns.",
                       row=pos + 1, feature_id=ids.iloc[pos], column="population")
    return gdf


def _check_codes(gdf, schema: Schema, ids: pd.Series, report: ValidationReport) -> None:
    for col, digits in schema.codes.items():
        if col not in gdf.columns:
            continue
        values = gdf[col].astype(object).where(gdf[col].notna(), None)
        text = values.map(lambda v: None if v is None else str(v).strip().removesuffix(".0"))
        bad = text.map(lambda s, digits=digits: s is not None and not (s.isdigit() and len(s) == digits))
        for pos in np.flatnonzero(bad.to_numpy()):
            report.add("error", "bad_code",
                       f"value {values.iloc[pos]!r} is not a {digits}-digit code (GB/T 2260 county code 6 digits, "
                       "street 3, community 3). Keep leading zeros: store codes as text.",
                       row=pos + 1, feature_id=ids.iloc[pos], column=col)


def _normalised_code(values: pd.Series, digits: int) -> pd.Series:
    """Codes as text of ``digits`` digits (leading zeros restored, a float's ``.0`` dropped); None if not a code."""
    text = values.astype(object).where(values.notna(), None).map(
        lambda v: None if v is None else str(v).strip().removesuffix(".0"))
    return text.map(lambda t: t.zfill(digits) if t is not None and t.isdigit() and len(t) <= digits else None)


def _check_admin_codes(gdf: gpd.GeoDataFrame, ids: pd.Series, file_rows: np.ndarray, report: ValidationReport) -> None:
    """Study area: every community needs its own 12-digit prefix (county + street + community code) for
    the 15-digit grid codes; communities with no codes are numbered, and three digits hold 999."""
    code_cols = {"county_code": 6, "street_code": 3, "community_code": 3}
    if set(code_cols) <= set(gdf.columns):
        parts = [_normalised_code(gdf[c], d) for c, d in code_cols.items()]
        complete = parts[0].notna() & parts[1].notna() & parts[2].notna()
        code = (parts[0].fillna("") + parts[1].fillna("") + parts[2].fillna("")).where(complete).reset_index(drop=True)
        dup = code.duplicated(keep=False) & complete.to_numpy()
        for value, at in code[dup].groupby(code[dup]).indices.items():
            at = np.flatnonzero(dup)[at]
            positions, names = [int(file_rows[k]) for k in at], [ids.iloc[k] for k in at]
            report.add(
                "error", "duplicate_admin_code",
                f"county + street + community code {value} is used by {len(positions)} communities (rows "
                f"{_examples(positions)}; ids {_examples(names)}): their grids would get the same 15-digit codes "
                "and be merged. Give every community its own code (GB/T 2260 county, street and community codes).",
                row=positions[0], feature_id=names[0], column="community_code",
            )
        return
    if "area_id" not in gdf.columns:
        return
    area_ids = gdf["area_id"].astype(str).str.strip()
    uncoded = int((~(area_ids.str.fullmatch(r"\d{12}"))).sum())
    if uncoded > MAX_UNCODED_COMMUNITIES:
        report.add(
            "error", "too_many_uncoded",
            f"{uncoded} communities have no county_code/street_code/community_code (nor a 12-digit area_id): grid "
            f"codes number them 000000000001…{MAX_UNCODED_COMMUNITIES:03d}, and three digits hold at most "
            f"{MAX_UNCODED_COMMUNITIES}. Add the columns county_code (6 digits), street_code (3) and "
            "community_code (3).",
        )


def _metric_areas(geoms: np.ndarray, crs) -> np.ndarray:
    """Areas in m², in the layer's working CRS (:func:`gridmap.io.crs.working_crs`: its own CRS when
    projected and true to scale at the data — not Web Mercator — else the zone of the data)."""
    from gridmap.io.crs import working_crs

    series = gpd.GeoSeries(geoms, crs=crs)
    if not (~(series.isna() | series.is_empty)).any():
        return np.zeros(len(geoms))
    work = working_crs(gpd.GeoDataFrame(geometry=series))
    return shapely.area(geoms) if work.equals(crs) else series.to_crs(work).area.to_numpy()


def _check_area_overlaps(gdf: gpd.GeoDataFrame, ids: pd.Series, file_rows: np.ndarray,
                         report: ValidationReport) -> gpd.GeoDataFrame:
    """Study area: communities must not overlap (a place belongs to one community).

    An overlap up to :data:`AREA_OVERLAP_REPAIR_SHARE` of the smaller community is digitising
    noise along a shared boundary: the community later in the file gives it up, and the repair is
    listed. A larger overlap is an error naming both communities and the area.
    """
    if gdf.crs is None or len(gdf) < 2 or any(p.code in _COORDINATE_ERRORS for p in report.errors):
        return gdf
    geoms = gdf.geometry.to_numpy().copy()
    usable = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms)) & np.isin(shapely.get_type_id(geoms), [3, 6])
    rows = np.flatnonzero(usable)
    i, j = shapely.STRtree(geoms[rows]).query(geoms[rows], predicate="intersects")
    keep = i < j
    i, j = rows[i[keep]], rows[j[keep]]
    if not len(i):
        return gdf
    inter = shapely.intersection(geoms[i], geoms[j])
    polygonal = np.isin(shapely.get_type_id(inter), [3, 6, 7]) & (shapely.area(inter) > 0)
    i, j, inter = i[polygonal], j[polygonal], inter[polygonal]
    if not len(i):
        return gdf
    overlap_m2 = _metric_areas(inter, gdf.crs)
    community_m2 = _metric_areas(geoms, gdf.crs)
    share = overlap_m2 / np.maximum(np.minimum(community_m2[i], community_m2[j]), 1e-12)
    changed = False
    for a, b, m2, frac in zip(i, j, overlap_m2, share, strict=True):
        first, later = f"{ids.iloc[a]} (row {file_rows[a]})", ids.iloc[b]
        if frac <= AREA_OVERLAP_REPAIR_SHARE:
            geoms[b] = _polygonal_part(np.array([shapely.difference(geoms[b], geoms[a])]))[0]
            changed = True
            report.add("repaired", "overlapping_areas_repaired",
                       f"overlaps community {first} by {m2:,.2f} m² ({frac:.3%} of the smaller of the two): a place "
                       "belongs to one community, so this community gave the overlap up. If the overlap belongs "
                       "here, fix the shared boundary.",
                       row=file_rows[b], feature_id=later)
        else:
            report.add("error", "overlapping_areas",
                       f"overlaps community {first} by {m2:,.0f} m² ({frac:.1%} of the smaller of the two). A place "
                       "belongs to exactly one community: fix the shared boundary (QGIS: Vector ▸ Geoprocessing ▸ "
                       "Difference, or the Topology Checker rule 'must not overlap'). Overlaps up to "
                       f"{AREA_OVERLAP_REPAIR_SHARE:.0%} of the smaller community are removed and listed instead.",
                       row=file_rows[b], feature_id=later)
    if not changed:
        return gdf
    out = gdf.copy()
    out[out.geometry.name] = geoms
    return out.set_geometry(out.geometry.name, crs=gdf.crs)


#: Problems after which areas cannot be measured (the coordinates do not fit the CRS).
_COORDINATE_ERRORS = frozenset({"missing_crs", "swapped_axes", "projected_as_geographic", "out_of_range",
                                "outside_crs_area", "lonlat_in_projected_crs"})


def _check_coordinates(gdf: gpd.GeoDataFrame, report: ValidationReport) -> None:
    """Coordinates that do not fit the CRS: swapped lat/lon, metres labelled as degrees, wrong GK zone."""
    geoms = gdf.geometry.to_numpy()
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not present.any() or gdf.crs is None:
        return
    bounds = shapely.bounds(geoms[present])
    ids = _row_ids(gdf, None)
    crs = gdf.crs
    rows = np.flatnonzero(present)
    if crs.is_geographic:
        bad = (np.abs(bounds[:, [0, 2]]) > 180).any(axis=1) | (np.abs(bounds[:, [1, 3]]) > 90).any(axis=1)
        if not bad.any():
            return
        swapped_ok = (np.abs(bounds[bad][:, [1, 3]]) <= 180).all() and (np.abs(bounds[bad][:, [0, 2]]) <= 90).all()
        metres = (np.abs(bounds[bad]) > 1000).any()
        for k in np.flatnonzero(bad)[:50]:
            pos = rows[k]
            x, y = bounds[k, 0], bounds[k, 1]
            if swapped_ok:
                msg = (f"coordinates ({x:.6f}, {y:.6f}) are outside longitude/latitude range: latitude and longitude "
                       "look swapped (x must be longitude, y latitude). Swap the columns/axes and read again.")
                code = "swapped_axes"
            elif metres:
                msg = (f"coordinates ({x:.1f}, {y:.1f}) look like metres, but the layer says it is in degrees "
                       f"({crs.name}). State the projected CRS the data was made in (e.g. --crs EPSG:4547 for "
                       "CGCS2000 / 3-degree GK CM 114E).")
                code = "projected_as_geographic"
            else:
                msg = f"coordinates ({x:.6f}, {y:.6f}) are outside the valid range (longitude ±180, latitude ±90)."
                code = "out_of_range"
            report.add("error", code, msg, row=pos + 1, feature_id=ids.iloc[pos])
        return
    if _looks_like_lonlat(bounds):
        epsg = crs.to_epsg()
        k = int(np.argmax(np.abs(bounds[:, 0])))
        origin = " — near 0°, 0° off West Africa for Web Mercator" if epsg == 3857 else ""
        report.add(
            "error", "lonlat_in_projected_crs",
            f"every coordinate lies within ±180, ±90 (row {rows[k] + 1}: {bounds[k, 0]:.6f}, {bounds[k, 1]:.6f}): "
            f"these are longitude/latitude degrees, but the layer declares {crs.name}"
            + (f" (EPSG:{epsg})" if epsg else "") + f", in metres: read as metres the whole layer would lie within "
            f"200 m of that CRS's origin{origin}, and nothing would cover it. Declare lon/lat: in a GeoJSON delete the "
            "old \"crs\" member (RFC 7946 GeoJSON is always WGS84 lon/lat); in other files set the CRS to "
            "EPSG:4326 or EPSG:4490 (QGIS: Layer ▸ Set CRS, then save).",
        )
        return
    area = crs.area_of_use
    if area is None:
        return
    to_lonlat = transformer(crs, 4326)
    cx = (bounds[:, 0] + bounds[:, 2]) / 2
    cy = (bounds[:, 1] + bounds[:, 3]) / 2
    lon, lat = to_lonlat.transform(cx, cy, errcheck=False)
    lon, lat = np.asarray(lon), np.asarray(lat)
    margin = 3.0  # degrees: data a little outside a zone's nominal area is still usable
    bad = ~np.isfinite(lon) | ~np.isfinite(lat) | (lon < area.west - margin) | (lon > area.east + margin) \
        | (lat < area.south - margin) | (lat > area.north + margin)
    if not bad.any():
        return
    hint = ""
    epsg = crs.to_epsg()
    if epsg and 4534 <= epsg <= 4554 and np.nanmedian(bounds[:, 0]) > 1e7:
        hint = (f" The eastings carry a zone number in front ({np.nanmedian(bounds[:, 0]):.0f}): that is "
                f"EPSG:{epsg - 21} (CGCS2000 3-degree GK zone {int(epsg - 21 - 4488)}), not EPSG:{epsg}.")
    elif epsg and 4513 <= epsg <= 4533 and np.nanmedian(bounds[:, 0]) < 1e6:
        hint = (f" The eastings have no zone number in front: that is EPSG:{epsg + 21} (CGCS2000 3-degree GK "
                f"CM {75 + 3 * (epsg - 4513)}E).")
    for k in np.flatnonzero(bad)[:50]:
        pos = rows[k]
        report.add(
            "error", "outside_crs_area",
            f"coordinates ({cx[k]:.1f}, {cy[k]:.1f}) fall outside where {crs.name} (EPSG:{epsg}) is used "
            f"({area.west:.0f}–{area.east:.0f}E, {area.south:.0f}–{area.north:.0f}N): the stated CRS is probably "
            f"wrong.{hint}",
            row=pos + 1, feature_id=ids.iloc[pos],
        )


def _looks_like_lonlat(bounds: np.ndarray) -> bool:
    """True when every coordinate of a projected layer fits lon/lat ranges: a layer whose whole extent
    lies within 180 m × 90 m of its CRS's origin is degrees labelled as metres, not a real place."""
    return bool((np.abs(bounds[:, [0, 2]]) <= 180).all() and (np.abs(bounds[:, [1, 3]]) <= 90).all())


_POLYGONAL = {"Polygon", "MultiPolygon"}


def _check_geometry(gdf: gpd.GeoDataFrame, schema: Schema | None, ids: pd.Series, report: ValidationReport,
                    drop_empty: bool) -> gpd.GeoDataFrame:
    geoms = gdf.geometry.to_numpy()
    missing = shapely.is_missing(geoms)
    empty = ~missing & shapely.is_empty(geoms)
    for pos in np.flatnonzero(missing | empty):
        what = "no geometry (null)" if missing[pos] else "an empty geometry"
        if drop_empty:
            report.add("repaired", "dropped_empty", f"feature has {what}; it was left out as asked (--drop-empty).",
                       row=pos + 1, feature_id=ids.iloc[pos])
        else:
            unreadable = (" A curve the reader cannot turn into a polygon (e.g. a CurvePolygon whose arcs do not "
                          "close) also arrives as null: convert curves to polygons in a GIS." if missing[pos] else "")
            report.add("error", "null_geometry" if missing[pos] else "empty_geometry",
                       f"feature has {what}. Draw its geometry or delete the feature "
                       f"(or pass --drop-empty to leave such features out, listed in the report).{unreadable}",
                       row=pos + 1, feature_id=ids.iloc[pos])
    present = ~(missing | empty)

    has_z = present.copy()
    has_z[present] = shapely.has_z(geoms[present])
    if has_z.any():
        geoms = geoms.copy()
        geoms[has_z] = shapely.force_2d(geoms[has_z])
        for pos in np.flatnonzero(has_z):
            report.add("repaired", "z_dropped",
                       "geometry has Z (height) coordinates; gridmap works in 2D, so Z was dropped.",
                       row=pos + 1, feature_id=ids.iloc[pos])

    types = np.array(shapely.get_type_id(geoms))
    type_names = np.array(["Point", "LineString", "LinearRing", "Polygon", "MultiPoint", "MultiLineString",
                           "MultiPolygon", "GeometryCollection"], dtype=object)
    kind = schema.geometry if schema else None
    label = schema.label if schema else ""  # read only where ``kind`` is set, i.e. with a schema
    polygonal = np.isin(types, [3, 6])
    point = types == 0
    if kind == "polygon":
        wrong = present & ~polygonal
        for pos in np.flatnonzero(wrong):
            t = type_names[types[pos]] if types[pos] >= 0 else "unknown"
            extra = (" Points cannot be zones: give each zone its boundary polygon (e.g. digitise it, or build it "
                     "from blocks), not a centre point." if types[pos] in (0, 4) else
                     " Lines cannot be zones: close them into polygons (QGIS: Lines to polygons).")
            report.add("error", "wrong_geometry_type",
                       f"geometry is a {t}, but a {label} needs Polygon or MultiPolygon.{extra}",
                       row=pos + 1, feature_id=ids.iloc[pos])
    elif kind == "point":
        wrong = present & ~point & ~polygonal
        for pos in np.flatnonzero(wrong):
            report.add("error", "wrong_geometry_type",
                       f"geometry is a {type_names[types[pos]]}, but {label} must be points "
                       "(or building polygons, taken at a point on their surface).",
                       row=pos + 1, feature_id=ids.iloc[pos])
        as_point = present & polygonal
        if as_point.any():
            geoms = geoms.copy()
            geoms[as_point] = shapely.point_on_surface(geoms[as_point])
            for pos in np.flatnonzero(as_point):
                report.add("repaired", "polygon_to_point",
                           "a polygon was given; it is used at its point on surface.",
                           row=pos + 1, feature_id=ids.iloc[pos])
    elif kind == "point_or_polygon":
        wrong = present & ~point & ~polygonal
        for pos in np.flatnonzero(wrong):
            report.add("error", "wrong_geometry_type",
                       f"geometry is a {type_names[types[pos]]}, but {label} must be points or building "
                       "polygons (one feature per building or address).",
                       row=pos + 1, feature_id=ids.iloc[pos])

    # Repair invalid polygons, keeping only the polygonal part, and list each repair.
    check = present & polygonal
    invalid = check.copy()
    invalid[check] = ~shapely.is_valid(geoms[check])
    if invalid.any():
        geoms = geoms.copy()
        reasons = shapely.is_valid_reason(geoms[invalid])
        before = shapely.area(geoms[invalid])
        fixed = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
        polys = _polygonal_part(fixed)
        # GEOS can return an invalid result for nearly collinear rings (a self-intersection at
        # floating-point scale): rebuild those with a zero buffer, then with the linework method
        for redo in (lambda g: shapely.buffer(g, 0.0), lambda g: shapely.make_valid(g, method="linework")):
            bad = ~shapely.is_missing(polys) & ~shapely.is_valid(polys)
            if not bad.any():
                break
            polys[bad] = _polygonal_part(redo(polys[bad]))
        still = ~shapely.is_missing(polys) & ~shapely.is_valid(polys)
        polys[still] = None  # never pass on an invalid polygon: reported below as unrepairable
        after = shapely.area(polys)
        for k, pos in enumerate(np.flatnonzero(invalid)):
            if polys[k] is None or shapely.is_empty(polys[k]):
                report.add("error", "unrepairable_geometry",
                           f"invalid polygon ({reasons[k]}) has no area left after repair. Redraw this feature.",
                           row=pos + 1, feature_id=ids.iloc[pos])
                continue
            geoms[pos] = polys[k]
            change = "" if before[k] == 0 else f"; area changed by {100 * (after[k] - before[k]) / before[k]:+.3g}%"
            report.add("repaired", "invalid_geometry",
                       f"invalid polygon ({reasons[k]}) repaired with make_valid, keeping the polygonal part{change} "
                       "(area in the layer's own units). Check the shape in a GIS.",
                       row=pos + 1, feature_id=ids.iloc[pos])

    out = gdf.copy()
    out[out.geometry.name] = geoms
    out = out.set_geometry(out.geometry.name, crs=gdf.crs)
    if drop_empty:
        out = out[present]
    return out


def _polygonal_part(geoms: np.ndarray) -> np.ndarray:
    """Keep only the Polygon/MultiPolygon parts of each geometry (None where there are none)."""
    parts, index = shapely.get_parts(geoms, return_index=True)
    is_poly = shapely.get_type_id(parts) == 3
    out = np.full(len(geoms), None, dtype=object)
    if is_poly.any():
        shapely.multipolygons(parts[is_poly], indices=index[is_poly], out=out)
    single = shapely.get_num_geometries(out) == 1
    out[single] = shapely.get_geometry(out[single], 0)  # a lone polygon stays a Polygon
    return out


def validate_layer(
    gdf: gpd.GeoDataFrame,
    kind: str | None,
    *,
    source: str = "<data>",
    layer: str | None = None,
    drop_empty: bool = False,
) -> tuple[gpd.GeoDataFrame, ValidationReport]:
    """Check ``gdf`` against the schema of ``kind``, repair what can be repaired, and report.

    Parameters
    ----------
    gdf : the layer as read.
    kind : ``"study_area"``, ``"zones"``, ``"residents"``, ``"centers"``, or ``None`` for the
        generic checks only (geometry, CRS, coordinates).
    source, layer : named in every message (the file path and layer name).
    drop_empty : leave out features with null/empty geometry (listed) instead of failing.

    Returns
    -------
    (repaired copy, report). The copy has Z dropped, invalid polygons repaired, count columns as
    integers; rows are never removed unless ``drop_empty``. Call ``report.raise_for_errors()`` to
    stop on errors.
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown layer kind {kind!r}; expected one of {', '.join(KINDS)}")
    schema = KINDS.get(kind) if kind else None
    report = ValidationReport(source=source, layer=layer, kind=kind)
    gdf = gdf.copy()
    if gdf.crs is None:
        report.add("error", "missing_crs",
                   "the layer has no coordinate reference system (e.g. the .prj file is missing). State it "
                   "(gridmap: --crs EPSG:4490 for CGCS2000 lon/lat, EPSG:4326 for WGS84, EPSG:4547 for CGCS2000 "
                   "3-degree GK CM 114E …) or add the .prj (QGIS: Layer ▸ Set CRS, then save).")
    if len(gdf) == 0:
        report.add("error", "no_features", "the layer has no features.")
        return gdf, report
    ids = _row_ids(gdf, schema)
    if schema is not None:
        _check_columns(gdf, schema, report)
        _check_ids(gdf, schema, ids, report)
        gdf = _check_counts(gdf, schema, ids, report)
        _check_codes(gdf, schema, ids, report)
    _check_coordinates(gdf, report)
    as_read = gdf.geometry.to_numpy()
    gdf = _check_geometry(gdf, schema, ids, report, drop_empty)
    if kind == "study_area":
        kept = np.arange(len(as_read))
        if len(gdf) < len(as_read):  # drop_empty left rows out: the others keep their file row numbers
            kept = np.flatnonzero(~(shapely.is_missing(as_read) | shapely.is_empty(as_read)))
        _check_admin_codes(gdf, ids.iloc[kept], kept + 1, report)
        gdf = _check_area_overlaps(gdf, ids.iloc[kept], kept + 1, report)
    return gdf, report
