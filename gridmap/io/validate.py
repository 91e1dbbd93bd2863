"""Check layers against the data model (docs/design.md §2), repair what can be repaired, report the rest.

Every problem names the file, the layer, the row (1-based, in file order) and its id, the column,
what is wrong and what to do. Invalid polygons are repaired with ``shapely.make_valid`` (keeping
the polygonal part) and listed; Z coordinates are dropped and listed; nothing is dropped silently.
Problems that cannot be repaired are errors: :func:`validate_layer` returns them in the report and
:meth:`ValidationReport.raise_for_errors` turns them into one :class:`LayerError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.defaults import SPECIAL_GROUPS
from gridmap.errors import GridmapError, LayerError
from gridmap.io.transformers import transformer
from gridmap.vocab import LIST_SEP, Joined, Message, render, text

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

    label: Message  # what the layer is, in messages ("a study area (辖区)" / "辖区")
    geometry: str  # "polygon", "point", "point_or_polygon"
    required: tuple[str, ...]
    id_column: str | None
    counts: tuple[str, ...] = ()  # whole numbers >= 0
    codes: dict[str, int] = field(default_factory=dict)  # column -> number of digits


KINDS: dict[str, Schema] = {
    "study_area": Schema(
        Message("val_kind_study_area"),
        "polygon",
        ("area_id", "name"),
        "area_id",
        codes={"county_code": 6, "street_code": 3, "community_code": 3},
    ),
    "zones": Schema(Message("val_kind_zones"), "polygon", ("zone_id", "name"), "zone_id"),
    "residents": Schema(
        Message("val_kind_residents"),
        "point_or_polygon",
        ("households", "population"),
        None,
        counts=("households", "population", *SPECIAL_GROUPS),
    ),
    "centers": Schema(Message("val_kind_centers"), "point", ("center_id", "name"), "center_id", counts=("capacity",)),
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
    """One finding about one layer (and, where it applies, one row and column).

    ``message`` is a :class:`~gridmap.vocab.Message` (``val_<code>``, :mod:`gridmap.vocab.validation`)
    rendered in the language current where it is shown (``str(problem.message)``); a plain text is kept
    as written. A problem pickles (a dask worker's report reaches the client) and compares by value.
    """

    severity: str  # "error" (must be fixed), "repaired" (fixed here, listed), "warning"
    code: str
    message: Message | str
    row: int | None = None  # 1-based position in the file
    feature_id: str | None = None
    column: str | None = None

    def shifted(self, by: int) -> Problem:
        """The problem with its row numbers moved by ``by``: its ``row`` and those its message names.

        A table's report counts rows as the spreadsheet does (the header row counted); the rows a
        message names are its parameters ``row``, ``rows`` and ``other_row``
        (:mod:`gridmap.vocab.validation`), or, in a plain text, the numbers after "row"/"rows".
        """
        if isinstance(self.message, Message):
            params = {k: _shift_rows_in(v, by) if k in _ROW_PARAMS else v for k, v in self.message.params.items()}
            message: Message | str = Message(self.message.msgid, **params)
        else:
            message = _ROW_IN_TEXT.sub(
                lambda m: f"{m.group(1)} " + ", ".join(str(int(n) + by) for n in m.group(2).split(", ")),
                self.message)
        return replace(self, message=message, row=None if self.row is None else self.row + by)


#: The parameters of a finding's message that hold row numbers of the file.
_ROW_PARAMS = frozenset({"row", "rows", "other_row"})
_ROW_IN_TEXT = re.compile(r"\b(rows?) (\d+(?:, \d+)*)")


def _shift_rows_in(value: object, by: int) -> object:
    """A row number (a list of them, or the examples :func:`_examples` made of them) moved by ``by``."""
    if isinstance(value, int | np.integer):
        return int(value) + by
    if isinstance(value, Joined):
        return Joined([_shift_rows_in(r, by) for r in value.items], value.sep)
    if isinstance(value, Message) and value.msgid == "val_examples":
        return Message("val_examples", shown=_shift_rows_in(value.params["shown"], by), more=value.params["more"])
    return value


_SEVERITY_IDS = {"error": "val_severity_error", "repaired": "val_severity_repaired",
                 "warning": "val_severity_warning"}
#: How the parts of a finding's place are joined ("file, layer 'x', row 3 (id Z1), column 'c'").
_PLACE_SEP = {"zh": "，", "en": ", "}


@dataclass
class ValidationReport:
    """All problems found in one layer, in the order found."""

    source: str
    layer: str | None
    kind: str | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def where(self) -> Message:
        """The file (and layer) the report is about, rendered when shown."""
        if self.layer:
            return Message("val_where_layer", source=self.source, layer=self.layer)
        return Message("val_where", source=self.source)

    def add(self, severity: str, code: str, message: Message | str, row: int | np.integer | None = None,
            feature_id: object = None, column: str | None = None) -> None:
        """Add a finding; ``message`` is ``Message("val_<code>", …)`` (or a text kept as written)."""
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

    def describe(self, p: Problem) -> Message:
        """One finding as one line, rendered when shown: ``[error] file, layer 'x', row 3 (id Z1), column 'c': …``."""
        parts: list[object] = [self.where]
        if p.row is not None:
            parts.append(Message("val_row_id", row=p.row, id=p.feature_id) if p.feature_id is not None
                         else Message("val_row", row=p.row))
        if p.column:
            parts.append(Message("val_column", column=p.column))
        severity = Message(_SEVERITY_IDS[p.severity]) if p.severity in _SEVERITY_IDS else p.severity
        return Message("val_problem_line", severity=severity, where=Joined(parts, _PLACE_SEP), message=p.message)

    def format_problem(self, p: Problem) -> str:
        """:meth:`describe` rendered in the current language."""
        return str(self.describe(p))

    def lines(self, limit: int | None = None) -> list[str]:
        """The findings (the first ``limit`` of them, and how many more), one line each, in the current language."""
        shown = self.problems if limit is None else self.problems[:limit]
        out = [self.format_problem(p) for p in shown]
        if limit is not None and len(self.problems) > limit:
            out.append(text("val_more_problems", n=len(self.problems) - limit))
        return out

    def __str__(self) -> str:
        """Every finding, one a line (or that there is none), in the current language."""
        if not self.problems:
            return text("val_no_problems", where=self.where)
        return "\n".join(self.lines())

    def to_frame(self, lang: str | None = None) -> pd.DataFrame:
        """One row per problem (for CSV/Excel reports and the app), the message in ``lang`` (current when None).

        The columns and the ``severity`` and ``code`` values stay English (scripts read them); the
        ``message`` is written in the language of the run.
        """
        return pd.DataFrame(
            [
                {"source": self.source, "layer": self.layer, "severity": p.severity, "code": p.code,
                 "row": p.row, "feature_id": p.feature_id, "column": p.column, "message": render(p.message, lang)}
                for p in self.problems
            ],
            columns=["source", "layer", "severity", "code", "row", "feature_id", "column", "message"],
        )

    def raise_for_errors(self, limit: int = 25) -> None:
        """Raise one :class:`LayerError` listing every error (up to ``limit``), if there is any."""
        errors = self.errors
        if not errors:
            return
        lines = Joined([self.describe(p) for p in errors[:limit]], "\n")
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


def _examples(values, n: int = 5) -> Message:
    """The first ``n`` values, listed (``、`` in Chinese, ``, `` in English), and how many there are in all."""
    values = list(values)
    more = Message("val_in_all", n=len(values)) if len(values) > n else ""
    return Message("val_examples", shown=Joined(values[:n], LIST_SEP), more=more)


def _check_columns(gdf, schema: Schema, report: ValidationReport) -> bool:
    missing = [c for c in schema.required if c not in gdf.columns]
    present = [c for c in gdf.columns if c != gdf.geometry.name]
    for col in missing:
        report.add("error", "missing_column",
                   Message("val_missing_column", col=col, kind=schema.label, present=_examples(present, 12)),
                   column=col)
    return not missing


def _check_ids(gdf, schema: Schema, ids: pd.Series, report: ValidationReport) -> None:
    col = schema.id_column
    if col is None or col not in gdf.columns:
        return
    values = gdf[col]
    blank = values.isna() | (values.astype(str).str.strip() == "")
    for pos in np.flatnonzero(blank.to_numpy()):
        report.add("error", "missing_id", Message("val_missing_id", col=col), row=pos + 1, column=col)
    keys = values.astype(str).str.strip()
    listed = keys.str.contains(LIST_SEPARATOR, regex=False) & ~blank
    for pos in np.flatnonzero(listed.to_numpy()):
        report.add("error", "list_separator_in_id",
                   Message("val_list_separator_in_id", col=col, value=keys.iloc[pos], sep=LIST_SEPARATOR),
                   row=pos + 1, feature_id=keys.iloc[pos], column=col)
    dup = keys.duplicated(keep=False) & ~blank
    for value, rows in keys[dup].groupby(keys[dup]).groups.items():
        positions = [gdf.index.get_loc(r) + 1 for r in rows]
        report.add("error", "duplicate_id",
                   Message("val_duplicate_id", col=col, value=value, n=len(positions), rows=_examples(positions)),
                   row=positions[0], feature_id=value, column=col)


def _check_counts(gdf, schema: Schema, ids: pd.Series, report: ValidationReport) -> gpd.GeoDataFrame:
    for col in schema.counts:
        if col not in gdf.columns:
            continue
        raw = gdf[col]
        numeric = pd.to_numeric(raw, errors="coerce")
        not_numeric = numeric.isna() & raw.notna() & (raw.astype(str).str.strip() != "")
        missing = raw.isna() | (raw.astype(str).str.strip() == "")
        for pos in np.flatnonzero(not_numeric.to_numpy()):
            report.add("error", "not_numeric", Message("val_not_numeric", value=raw.iloc[pos], col=col),
                       row=pos + 1, feature_id=ids.iloc[pos], column=col)
        required = col in schema.required
        for pos in np.flatnonzero(missing.to_numpy()):
            if required:
                report.add("error", "missing_value", Message("val_missing_value", col=col),
                           row=pos + 1, feature_id=ids.iloc[pos], column=col)
        negative = numeric < 0
        for pos in np.flatnonzero(negative.to_numpy()):
            report.add("error", "negative", Message("val_negative", value=float(numeric.iloc[pos]), col=col),
                       row=pos + 1, feature_id=ids.iloc[pos], column=col)
        fractional = numeric.notna() & (numeric >= 0) & (numeric != np.floor(numeric))
        for pos in np.flatnonzero(fractional.to_numpy()):
            report.add("error", "not_whole", Message("val_not_whole", value=float(numeric.iloc[pos]), col=col),
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
                       Message("val_population_below_households", population=float(pop.iloc[pos]),
                               households=float(hh.iloc[pos])),
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
            report.add("error", "bad_code", Message("val_bad_code", value=values.iloc[pos], digits=digits),
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
            report.add("error", "duplicate_admin_code",
                       Message("val_duplicate_admin_code", code=value, n=len(positions), rows=_examples(positions),
                               ids=_examples(names)),
                       row=positions[0], feature_id=names[0], column="community_code")
        return
    if "area_id" not in gdf.columns:
        return
    area_ids = gdf["area_id"].astype(str).str.strip()
    uncoded = int((~(area_ids.str.fullmatch(r"\d{12}"))).sum())
    if uncoded > MAX_UNCODED_COMMUNITIES:
        report.add("error", "too_many_uncoded",
                   Message("val_too_many_uncoded", n=uncoded, most=MAX_UNCODED_COMMUNITIES))


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
        first, first_row, later = ids.iloc[a], int(file_rows[a]), ids.iloc[b]
        if frac <= AREA_OVERLAP_REPAIR_SHARE:
            geoms[b] = _polygonal_part(np.array([shapely.difference(geoms[b], geoms[a])]))[0]
            changed = True
            report.add("repaired", "overlapping_areas_repaired",
                       Message("val_overlapping_areas_repaired", other=first, other_row=first_row, m2=float(m2),
                               share=float(frac)),
                       row=file_rows[b], feature_id=later)
        else:
            report.add("error", "overlapping_areas",
                       Message("val_overlapping_areas", other=first, other_row=first_row, m2=float(m2),
                               share=float(frac), limit=AREA_OVERLAP_REPAIR_SHARE),
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
                code, msg = "swapped_axes", Message("val_swapped_axes", x=float(x), y=float(y))
            elif metres:
                code, msg = "projected_as_geographic", Message("val_projected_as_geographic", x=float(x), y=float(y),
                                                               crs=crs.name)
            else:
                code, msg = "out_of_range", Message("val_out_of_range", x=float(x), y=float(y))
            report.add("error", code, msg, row=pos + 1, feature_id=ids.iloc[pos])
        return
    if _looks_like_lonlat(bounds):
        epsg = crs.to_epsg()
        k = int(np.argmax(np.abs(bounds[:, 0])))
        origin = Message("val_origin_web_mercator") if epsg == 3857 else ""
        report.add("error", "lonlat_in_projected_crs",
                   Message("val_lonlat_in_projected_crs", row=int(rows[k]) + 1, x=float(bounds[k, 0]),
                           y=float(bounds[k, 1]), crs=crs.name, epsg=f" (EPSG:{epsg})" if epsg else "", origin=origin))
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
    hint: Message | str = ""
    epsg = crs.to_epsg()
    if epsg and 4534 <= epsg <= 4554 and np.nanmedian(bounds[:, 0]) > 1e7:
        hint = Message("val_hint_zone_prefix", easting=float(np.nanmedian(bounds[:, 0])), right=epsg - 21,
                       zone=int(epsg - 21 - 4488), epsg=epsg)
    elif epsg and 4513 <= epsg <= 4533 and np.nanmedian(bounds[:, 0]) < 1e6:
        hint = Message("val_hint_no_zone_prefix", right=epsg + 21, cm=75 + 3 * (epsg - 4513))
    for k in np.flatnonzero(bad)[:50]:
        pos = rows[k]
        report.add("error", "outside_crs_area",
                   Message("val_outside_crs_area", x=float(cx[k]), y=float(cy[k]), crs=crs.name, epsg=epsg,
                           west=area.west, east=area.east, south=area.south, north=area.north, hint=hint),
                   row=pos + 1, feature_id=ids.iloc[pos])


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
        if drop_empty:
            what = Message("val_what_null" if missing[pos] else "val_what_empty")
            report.add("repaired", "dropped_empty", Message("val_dropped_empty", what=what),
                       row=pos + 1, feature_id=ids.iloc[pos])
        else:
            code = "null_geometry" if missing[pos] else "empty_geometry"
            report.add("error", code, Message(f"val_{code}"), row=pos + 1, feature_id=ids.iloc[pos])
    present = ~(missing | empty)

    has_z = present.copy()
    has_z[present] = shapely.has_z(geoms[present])
    if has_z.any():
        geoms = geoms.copy()
        geoms[has_z] = shapely.force_2d(geoms[has_z])
        for pos in np.flatnonzero(has_z):
            report.add("repaired", "z_dropped", Message("val_z_dropped"),
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
            extra = Message("val_points_not_zones" if types[pos] in (0, 4) else "val_lines_not_zones")
            report.add("error", "wrong_geometry_type",
                       Message("val_wrong_geometry_type_polygon", type=t, kind=label, extra=extra),
                       row=pos + 1, feature_id=ids.iloc[pos])
    elif kind == "point":
        wrong = present & ~point & ~polygonal
        for pos in np.flatnonzero(wrong):
            report.add("error", "wrong_geometry_type",
                       Message("val_wrong_geometry_type_point", type=str(type_names[types[pos]]), kind=label),
                       row=pos + 1, feature_id=ids.iloc[pos])
        as_point = present & polygonal
        if as_point.any():
            geoms = geoms.copy()
            geoms[as_point] = shapely.point_on_surface(geoms[as_point])
            for pos in np.flatnonzero(as_point):
                report.add("repaired", "polygon_to_point", Message("val_polygon_to_point"),
                           row=pos + 1, feature_id=ids.iloc[pos])
    elif kind == "point_or_polygon":
        wrong = present & ~point & ~polygonal
        for pos in np.flatnonzero(wrong):
            report.add("error", "wrong_geometry_type",
                       Message("val_wrong_geometry_type_point_or_polygon", type=str(type_names[types[pos]]),
                               kind=label),
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
                           Message("val_unrepairable_geometry", reason=str(reasons[k])),
                           row=pos + 1, feature_id=ids.iloc[pos])
                continue
            geoms[pos] = polys[k]
            change = ("" if before[k] == 0
                      else Message("val_area_changed", pct=float(100 * (after[k] - before[k]) / before[k])))
            report.add("repaired", "invalid_geometry",
                       Message("val_invalid_geometry", reason=str(reasons[k]), change=change),
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
        raise GridmapError("err_validate_unknown_layer_kind_expected_one", kind=kind, kinds=Joined(KINDS, LIST_SEP))
    schema = KINDS.get(kind) if kind else None
    report = ValidationReport(source=source, layer=layer, kind=kind)
    gdf = gdf.copy()
    if gdf.crs is None:
        report.add("error", "missing_crs", Message("val_missing_crs"))
    if len(gdf) == 0:
        report.add("error", "no_features", Message("val_no_features"))
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
