"""公示 notices: one print-ready A4 (portrait) page per grid, as PDF and PNG, and one PDF of all.

A notice shows what a resident needs to find the grid's people: the grid's boundary over streets
and buildings (an offline vector basemap, clipped per grid), the neighbouring grids drawn lightly
with their codes, the grid's name and 15-digit code, the 网格长/网格员 with phone and photo, the
监督电话 (supervision phone), households and population, its 微网格 (micro grids) with their
楼栋长 as a table and as outlines on the map, and a legend, a scale bar, a north arrow, the date
and the data attribution. Missing staff or micro grids read 未配置 (not configured).

API::

    ns = prepare_notices(plan.grids(), basemap=osm_basemap("streets.osm"), staff=staff.table,
                         micro=micro_gdf, communities=study_area, phone_supervision="025-12345")
    run = write_notices(ns, "out/")              # notice_<code>.pdf/.png per grid + notices.pdf
    pdf = notice_pdf_bytes(ns, "320102001001001")  # one grid, for an app page
    png = notice_png_bytes(plan.grids(), "320102001001001", basemap=…)  # inputs prepared on the fly

Cartography. The map is drawn in the grids' metric CRS at a stated scale taken from a list of
round scales (1:1,000, 1:1,250, 1:1,500, 1:2,000 …), the largest (most detailed, but not beyond
1:1,000) at which the grid and a margin fit the map frame, so the scale bar — and the 1:N printed
beside it — holds on the A4 print. The north arrow points to true north: in a Gauss–Krüger
projection grid north differs from it by the meridian convergence (up to about a degree in a
3-degree zone), computed at the grid's centre.

Fonts. Chinese text needs a CJK font with TrueType outlines: matplotlib embeds fonts in PDF as
Type 42 (TrueType), which cannot carry the CFF outlines of Noto Sans CJK / Source Han (matplotlib
issue #20870). :func:`find_cjk_font` looks, in this order, at the environment variable
``GRIDMAP_CJK_FONT`` (a .ttf/.ttc path; an unusable one is an error, not skipped), then at the
known paths :data:`KNOWN_CJK_FONTS` (Debian/Ubuntu ``fonts-wqy-microhei`` — installed by
``scripts/setup.sh`` —, ``fonts-wqy-zenhei``, ``fonts-droid-fallback``, Fedora's wqy packages,
Windows' 微软雅黑/黑体/宋体), and takes the first with TrueType outlines covering the notice's
labels; none → :class:`NoticeFontError` saying what to install. Fonts are never downloaded.
Per run the font is cut once to the characters of all notices (fontTools), so every PDF embeds
a small subset (matplotlib subsets it again per page, ``pdf.fonttype`` 42: text stays text).

Speed. The basemap is read once (by the caller) and indexed with an STRtree; each notice takes
only the streets and buildings within its frame, clipped to it. With many notices the pages are
rendered in worker processes (``workers``), each receiving the prepared inputs once.
"""

from __future__ import annotations

import atexit
import dataclasses
import datetime as _dt
import functools
import hashlib
import io
import logging
import math
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from gridmap.errors import GridmapError, MissingKeyError
from gridmap.vocab import CATALOG, LIST_SEP, Joined, Message

__all__ = ["CJK_FONT_ENV", "KNOWN_CJK_FONTS", "LABELS", "OSM_ATTRIBUTION", "PAGE_MM", "NoticeFontError",
           "CJKFont", "Basemap", "StaffCard", "MicroRow", "NoticeContent", "NoticeSet", "NoticeRun",
           "find_cjk_font", "osm_basemap", "prepare_notices", "notice_figure", "notice_pdf_bytes",
           "notice_png_bytes", "plan_notice_pdf", "write_notices", "a4_pixels", "nice_scale", "true_north_angle"]

#: Environment variable naming the CJK font file to use (checked first).
CJK_FONT_ENV = "GRIDMAP_CJK_FONT"


def _windows_fonts() -> Path:
    return Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"


#: Where CJK fonts with TrueType outlines are found, in the order they are tried.
KNOWN_CJK_FONTS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),  # Debian/Ubuntu fonts-wqy-microhei
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),  # Debian/Ubuntu fonts-wqy-zenhei
    Path("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc"),  # Fedora/RHEL wqy-microhei-fonts
    Path("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc"),  # Fedora/RHEL wqy-zenhei-fonts
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),  # Debian fonts-droid-fallback
    Path("/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf"),  # Fedora
    _windows_fonts() / "msyh.ttc",  # 微软雅黑
    _windows_fonts() / "simhei.ttf",  # 黑体
    _windows_fonts() / "simsun.ttc",  # 宋体
)

#: Characters every notice prints whatever its data: the font must have them.
_REQUIRED_CHARS = "网格编码长员监督电话户数人口微楼栋未配置比例尺北"

#: Attribution of an OpenStreetMap basemap (ODbL requires it wherever the data is shown).
OSM_ATTRIBUTION = "© OpenStreetMap contributors, ODbL"

#: A4 portrait, millimetres.
PAGE_MM = (210.0, 297.0)
_MM_PER_INCH = 25.4

#: Texts of the notice per language, read off the catalog (``notice_<label>`` in :mod:`gridmap.vocab.report`).
LABELS: dict[str, dict[str, str]] = {
    lang: {k.removeprefix("notice_"): entry[lang] for k, entry in CATALOG.items() if k.startswith("notice_")}
    for lang in ("zh", "en")
}

# Colours: an official red for the header and the grid, greys for the basemap.
_RED = "#b3261e"
_MICRO = "#1f5aa6"
_BUILDING = "#d9d2cb"
_STREET = "#a39e99"
_NEIGHBOUR = "#8c8c8c"
_GREY_TEXT = "#6b6b6b"
_ROUND_SCALES = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.5)
#: The largest scale a notice's map is drawn at: a grid of one building still shows its streets.
_LARGEST_SCALE = 1000.0
_MAJOR_STREETS = {"motorway", "trunk", "primary", "secondary", "motorway_link", "trunk_link", "primary_link",
                  "secondary_link"}
_PATHS = {"footway", "path", "steps", "cycleway", "pedestrian", "track", "bridleway", "corridor"}

log = logging.getLogger(__name__)


class NoticeFontError(RuntimeError):
    """No usable CJK font is installed (or ``GRIDMAP_CJK_FONT`` names an unusable one)."""


# ----------------------------------------------------------------------------------------- fonts


@dataclass(frozen=True)
class CJKFont:
    """A font file and face with TrueType outlines covering Chinese text."""

    path: Path
    face: int
    family: str
    postscript_name: str
    cmap: frozenset[int] = field(repr=False, compare=False)


def _inspect_font(path: Path) -> tuple[CJKFont | None, str]:
    """(the first usable face of ``path``, or None; why not)."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    if not path.is_file():
        return None, "not found"
    try:
        if path.suffix.lower() in (".ttc", ".otc"):
            faces = list(TTCollection(str(path), lazy=True).fonts)
        else:
            faces = [TTFont(str(path), lazy=True)]
    except (TTLibError, OSError, ValueError) as exc:
        return None, f"cannot be read as a font ({exc})"
    why = "no face"
    for face, font in enumerate(faces):
        if "glyf" not in font:
            why = ("has PostScript (CFF) outlines, which PDF Type 42 embedding cannot carry; use a font with "
                   "TrueType outlines (e.g. WenQuanYi Micro Hei)")
            continue
        cmap = font.getBestCmap() or {}
        lacking = [c for c in _REQUIRED_CHARS if ord(c) not in cmap]
        if lacking:
            why = f"lacks Chinese characters ({''.join(lacking[:6])} …)"
            continue
        name = font["name"]
        return CJKFont(path, face, str(name.getDebugName(1) or path.stem),
                       str(name.getDebugName(6) or path.stem).replace(" ", ""), frozenset(cmap)), ""
    return None, why


_FONT_CACHE: dict[tuple[str, float], tuple[CJKFont | None, str]] = {}


def _inspect_cached(path: Path) -> tuple[CJKFont | None, str]:
    try:
        key = (str(path), path.stat().st_mtime)
    except OSError:
        return None, "not found"
    if key not in _FONT_CACHE:
        _FONT_CACHE[key] = _inspect_font(path)
    return _FONT_CACHE[key]


def find_cjk_font(environ: Mapping[str, str] | None = None) -> CJKFont:
    """The CJK font notices are set in: ``$GRIDMAP_CJK_FONT``, else the first usable of
    :data:`KNOWN_CJK_FONTS`. Raises :class:`NoticeFontError` naming what was tried and what to install."""
    environ = os.environ if environ is None else environ
    chosen = environ.get(CJK_FONT_ENV, "").strip()
    if chosen:
        font, why = _inspect_cached(Path(chosen))
        if font is None:
            raise NoticeFontError(Message("err_notice_point_at_ttf_ttc_with", env=CJK_FONT_ENV, chosen=chosen, why=why))
        return font
    tried = []
    for path in KNOWN_CJK_FONTS:
        font, why = _inspect_cached(path)
        if font is not None:
            return font
        tried.append(f"{path} ({why})")
    raise NoticeFontError(Message("err_notice_no_cjk_font", env=CJK_FONT_ENV, tried="; ".join(tried)))


_SUBSET_DIR: Path | None = None
_SUBSETS: dict[str, Path] = {}
_SUBSET_LOCK = threading.Lock()


def _subset_dir() -> Path:
    global _SUBSET_DIR
    if _SUBSET_DIR is None:
        _SUBSET_DIR = Path(tempfile.mkdtemp(prefix="gridmap-fonts-"))
        atexit.register(shutil.rmtree, _SUBSET_DIR, ignore_errors=True)
    return _SUBSET_DIR


def _font_subset(font: CJKFont, text: str) -> Path:
    """A TrueType file of ``font`` cut to the characters of ``text`` (plus ASCII), cached per process.

    matplotlib subsets the font again per PDF; starting from a few hundred glyphs instead of a
    5 MB collection makes that fast. Glyph names, ``name`` and ``OS/2`` are kept, so the PDF names
    the family (WenQuanYiMicroHei) and text stays searchable.
    """
    chars = "".join(sorted(set(text) | {chr(c) for c in range(0x20, 0x7F)}))
    key = hashlib.sha1(f"{font.path}|{font.face}|{chars}".encode()).hexdigest()[:20]
    with _SUBSET_LOCK:  # an app serves several sessions from threads
        cached = _SUBSETS.get(key)
        if cached is not None and cached.is_file():
            return cached
        path = _cut_font(font, chars, _subset_dir() / f"{font.postscript_name}-{key}.ttf")
        _SUBSETS[key] = path
        return path


def _cut_font(font: CJKFont, chars: str, path: Path) -> Path:
    from fontTools import subset

    options = subset.Options()
    options.font_number = font.face
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = True
    options.layout_features = ["*"]
    options.drop_tables += ["FFTM", "PfEd", "BDF", "meta", "DSIG"]
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    loaded = subset.load_font(str(font.path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(loaded)
    tmp = path.with_name(path.name + ".tmp")
    loaded.save(str(tmp))
    loaded.close()
    os.replace(tmp, path)
    return path


# ----------------------------------------------------------------------------------------- inputs


@dataclass
class Basemap:
    """Streets (lines, with ``highway``) and buildings (polygons) to draw under the grids, and the
    attribution their licence requires (None when none is needed)."""

    streets: gpd.GeoDataFrame | None = None
    buildings: gpd.GeoDataFrame | None = None
    attribution: str | None = None


def osm_basemap(osm_path: str | os.PathLike) -> Basemap:
    """The streets and buildings of an OSM XML file (:func:`gridmap.io.osm.read_osm_basemap`), with the
    ODbL attribution. Raises :class:`gridmap.io.validate.LayerError` for an unreadable file."""
    from gridmap.io.osm import read_osm_basemap

    streets, buildings = read_osm_basemap(osm_path)
    return Basemap(streets, buildings, OSM_ATTRIBUTION)


@dataclass(frozen=True)
class StaffCard:
    """One person on a notice: role (网格长/网格员), name, phone (``""`` if none), photo path
    (None if none) — or an unstaffed role (``name`` ``""``)."""

    role: str
    name: str
    phone: str
    photo: str | None = None


@dataclass(frozen=True)
class MicroRow:
    """One micro grid in a notice's table."""

    code: str
    households: int
    head: str
    phone: str

    @property
    def seq(self) -> str:
        """The micro grid's number within its grid (the last two digits of its code), as the table and map show it."""
        return self.code[-2:]


@dataclass(frozen=True)
class NoticeContent:
    """Everything a notice prints, as data (the page is laid out from it by :func:`notice_figure`)."""

    grid_code: str
    name: str
    context: str
    households: int
    population: int | None
    area_m2: float
    staff: tuple[StaffCard, ...]
    staff_configured: bool
    micro: tuple[MicroRow, ...]
    micro_configured: bool
    phone_supervision: str
    date: str
    attribution: str
    crs_label: str

    def texts(self) -> str:
        """Every string the notice prints from its data (for the font subset and the glyph check)."""
        return "".join(map(str, dataclasses.astuple(self)))


@dataclass
class NoticeSet:
    """Prepared inputs of a run of notices (:func:`prepare_notices`): grids and basemap in the
    grids' metric CRS with STRtrees, the contents of each grid's notice, the font and language."""

    grids: gpd.GeoDataFrame
    contents: dict[str, NoticeContent]
    lang: str
    font: CJKFont
    streets: dict[str, np.ndarray]
    buildings: np.ndarray
    micro: gpd.GeoDataFrame | None
    north: dict[str, float] = field(default_factory=dict)
    position: dict[str, int] = field(default_factory=dict)
    micro_positions: dict[str, np.ndarray] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    _trees: dict = field(default_factory=dict, repr=False)

    @property
    def codes(self) -> list[str]:
        """Grid codes with a notice, in code order."""
        return list(self.contents)

    def tree(self, name: str) -> shapely.STRtree:
        """The STRtree of ``grids``, ``buildings`` or a street class (built on first use)."""
        if name not in self._trees:
            if name == "grids":
                geoms = self.grids.geometry.to_numpy()
            elif name == "buildings":
                geoms = self.buildings
            else:
                geoms = self.streets[name]
            self._trees[name] = shapely.STRtree(geoms)
        return self._trees[name]

    def __getstate__(self) -> dict:
        """The set without its STRtrees, which do not pickle: worker processes rebuild them on first use."""
        state = dict(self.__dict__)
        state["_trees"] = {}
        return state


def _metric(gdf: gpd.GeoDataFrame | None, crs) -> gpd.GeoDataFrame | None:
    if gdf is None or len(gdf) == 0:
        return None
    if gdf.crs is None:
        raise GridmapError("err_notice_basemap_or_micro_grid_layer")
    return gdf if gdf.crs.equals(crs) else gdf.to_crs(crs)


def _street_classes(streets: gpd.GeoDataFrame | None, crs) -> dict[str, np.ndarray]:
    streets = _metric(streets, crs)
    if streets is None:
        return {}
    geoms = streets.geometry.to_numpy()
    lines = np.isin(shapely.get_type_id(geoms), (1, 2, 5))
    highway = (streets["highway"].astype(str).to_numpy() if "highway" in streets.columns
               else np.full(len(streets), "", dtype=object))
    major = np.isin(highway, list(_MAJOR_STREETS))
    path = np.isin(highway, list(_PATHS))
    return {"major": geoms[lines & major], "minor": geoms[lines & ~major & ~path], "path": geoms[lines & path]}


def _buildings(buildings: gpd.GeoDataFrame | None, crs) -> np.ndarray:
    buildings = _metric(buildings, crs)
    if buildings is None:
        return np.array([], dtype=object)
    geoms = buildings.geometry.to_numpy()
    geoms = geoms[np.isin(shapely.get_type_id(geoms), (3, 6))]
    return shapely.orient_polygons(shapely.make_valid(geoms)) if len(geoms) else geoms


def _crs_label(crs) -> str:
    crs = pyproj.CRS.from_user_input(crs)
    epsg = crs.to_epsg()
    return f"{crs.name}" + (f" (EPSG:{epsg})" if epsg else "")


def _grid_names(grids: gpd.GeoDataFrame, communities: gpd.GeoDataFrame | pd.DataFrame | None,
                lang: str) -> tuple[dict[str, str], dict[str, str]]:
    """(grid code → name, grid code → context line: district · street · community)."""
    labels = LABELS[lang]
    info: dict[str, dict] = {}
    if communities is not None and "area_id" in communities.columns:
        for row in pd.DataFrame(communities).drop(columns="geometry", errors="ignore").itertuples(index=False):
            info[str(row.area_id)] = row._asdict()
    names, context = {}, {}
    for row in grids.itertuples(index=False):
        code = str(row.grid_code)
        seq = int(code[-3:]) if code[-3:].isdigit() else code[-3:]
        area = info.get(str(getattr(row, "area_id", "")), {})
        community = str(area.get("name") or "").strip()
        given = str(getattr(row, "grid_name", "") or "").strip()
        if given and given.lower() != "nan":
            names[code] = given
        elif community:
            names[code] = labels["grid_name"].format(community=community, seq=seq)
        else:
            names[code] = labels["grid_name_plain"].format(seq=seq)
        parts = [str(area.get(k) or "").strip() for k in ("district", "street")] + [community]
        context[code] = " · ".join(p for p in parts if p and p.lower() != "nan")
    return names, context


def _staff_cards(rows: pd.DataFrame | None) -> tuple[StaffCard, ...]:
    """The people of one grid (its rows of the staff table), 网格长 first, each role by staff_id;
    a role nobody holds appears once with no name (printed 未配置)."""
    rows = rows if rows is not None else pd.DataFrame(columns=["staff_id", "name", "phone", "role"])
    cards = []
    for role in ("网格长", "网格员"):
        mine = rows[rows["role"] == role].sort_values("staff_id", kind="stable")
        if mine.empty:
            cards.append(StaffCard(role, "", ""))
        for r in mine.itertuples(index=False):
            photo = str(getattr(r, "photo_path", "") or getattr(r, "photo", "") or "").strip()
            cards.append(StaffCard(role, str(r.name), str(r.phone or ""), photo or None))
    return tuple(cards)


def _micro_rows(rows: pd.DataFrame | None) -> tuple[MicroRow, ...]:
    """The micro grids of one grid (its rows of the micro-grid layer), in code order."""
    if rows is None:
        return ()
    return tuple(MicroRow(str(r.micro_code), int(r.households), str(r.building_head or ""),
                          str(r.building_head_phone or ""))
                 for r in rows.sort_values("micro_code").itertuples(index=False))


def prepare_notices(grids: gpd.GeoDataFrame, *, basemap: Basemap | None = None,
                    staff: pd.DataFrame | None = None, micro: gpd.GeoDataFrame | None = None,
                    communities: gpd.GeoDataFrame | pd.DataFrame | None = None,
                    phone_supervision: str | None = None, lang: str = "zh", date: str | _dt.date | None = None,
                    codes: Iterable[str] | None = None, font: CJKFont | None = None) -> NoticeSet:
    """Gather and index the inputs of the notices of ``grids`` (pure: nothing is written).

    Parameters
    ----------
    grids : grid polygons in a metric CRS with ``grid_code`` and ``households`` (``population``,
        ``area_id``, ``grid_name`` used when present) — e.g. ``Plan.grids()``. Empty grids get no
        notice (listed in ``warnings``).
    basemap : streets and buildings (any CRS), e.g. :func:`osm_basemap`; None: no basemap.
    staff : a checked staff table (:func:`gridmap.present.notice_inputs.read_staff_table` ``.table``);
        None: 网格长/网格员 read 未配置.
    micro : checked micro grids (:func:`~gridmap.present.notice_inputs.read_micro_grids`); None: 未配置.
    communities : the study area (``area_id``, ``name``, optional ``district``, ``street``) for grid
        names such as 洪武北路社区第2网格; without it a grid is named 第2网格.
    phone_supervision : the 监督电话 printed on every notice (None: 未配置).
    lang : ``"zh"`` or ``"en"`` (labels; names stay as given).
    date : the date printed (default today).
    codes : only these grids (default all non-empty grids).
    font : the CJK font (default :func:`find_cjk_font`).
    """
    if lang not in LABELS:
        raise GridmapError("err_notice_lang_must_one", langs=Joined(LABELS, LIST_SEP))
    if grids.crs is None or not pyproj.CRS.from_user_input(grids.crs).is_projected:
        raise GridmapError("err_notice_notices_need_grids_in_projected")
    font = font or find_cjk_font()
    labels = LABELS[lang]
    warnings: list[str] = []
    grids = grids.reset_index(drop=True).copy()
    grids["grid_code"] = grids["grid_code"].astype(str)
    empty = shapely.is_empty(grids.geometry.to_numpy()) | grids.geometry.isna().to_numpy()
    if empty.any():
        warnings.append(f"{int(empty.sum())} empty grid(s) get no notice: "
                        f"{', '.join(grids.loc[empty, 'grid_code'].head(10))}")
        grids = grids[~empty].reset_index(drop=True)
    grids = grids.sort_values("grid_code", kind="stable").reset_index(drop=True)
    wanted = list(grids["grid_code"]) if codes is None else [str(c) for c in codes]
    unknown = [c for c in wanted if c not in set(grids["grid_code"])]
    if unknown:
        raise MissingKeyError("err_notice_no_such_non_empty_grid", unknown=Joined(unknown[:10], LIST_SEP))
    crs = grids.crs
    basemap = basemap or Basemap()
    micro_m = _metric(micro, crs)
    names, context = _grid_names(grids, communities, lang)
    date_text = ((date.isoformat() if isinstance(date, _dt.date) else str(date)) if date
                 else _dt.date.today().isoformat())
    crs_label = _crs_label(crs)
    if staff is not None:
        stray = sorted(set(staff["grid_code"].astype(str)) - set(grids["grid_code"]))
        if stray:
            warnings.append(f"staff table: {len(stray)} grid code(s) not in the plan (not shown): "
                            f"{', '.join(stray[:10])}")
    if micro_m is not None:
        stray = sorted(set(micro_m["grid_code"]) - set(grids["grid_code"]))
        if stray:
            warnings.append(f"micro grids: {len(stray)} grid code(s) not in the plan (not shown): "
                            f"{', '.join(stray[:10])}")
    position = dict(zip(grids["grid_code"], range(len(grids)), strict=True))
    households = grids["households"].to_numpy() if "households" in grids.columns else np.zeros(len(grids))
    population = grids["population"].to_numpy() if "population" in grids.columns else None
    area = shapely.area(grids.geometry.to_numpy())
    staff_by_grid = dict(tuple(staff.groupby(staff["grid_code"].astype(str)))) if staff is not None else {}
    micro_by_grid = dict(tuple(micro_m.groupby("grid_code"))) if micro_m is not None else {}
    contents: dict[str, NoticeContent] = {}
    for code in sorted(wanted):
        i = position[code]
        people = population[i] if population is not None else None
        contents[code] = NoticeContent(
            grid_code=code, name=names[code], context=context[code],
            households=int(households[i] or 0),
            population=None if people is None or pd.isna(people) else int(people),
            area_m2=float(area[i]), staff=_staff_cards(staff_by_grid.get(code)), staff_configured=staff is not None,
            micro=_micro_rows(micro_by_grid.get(code)), micro_configured=micro is not None,
            phone_supervision=(phone_supervision or "").strip() or labels["not_set"],
            date=date_text, attribution=basemap.attribution or "", crs_label=crs_label)
    bounds = shapely.bounds(grids.geometry.to_numpy())
    north = true_north_angle(crs, (bounds[:, 0] + bounds[:, 2]) / 2, (bounds[:, 1] + bounds[:, 3]) / 2)
    return NoticeSet(grids=grids, contents=contents, lang=lang, font=font,
                     streets=_street_classes(basemap.streets, crs), buildings=_buildings(basemap.buildings, crs),
                     micro=micro_m, north=dict(zip(grids["grid_code"], np.atleast_1d(north).tolist(), strict=True)),
                     position=position,
                     micro_positions=dict(micro_m.groupby("grid_code").indices) if micro_m is not None else {},
                     warnings=warnings)


# ----------------------------------------------------------------------------------------- geometry helpers


def nice_scale(width_m: float, height_m: float, frame_mm: tuple[float, float]) -> float:
    """The smallest round scale denominator (1·2·2.5·5… × 10ⁿ, see ``_ROUND_SCALES``) at which a
    ``width_m`` × ``height_m`` extent fits a frame of ``frame_mm`` (width, height) millimetres."""
    need = max(width_m / frame_mm[0], height_m / frame_mm[1], 1e-9) * 1000.0  # metres per metre of paper
    exponent = math.floor(math.log10(need))
    for mantissa in _ROUND_SCALES + (10.0,):
        candidate = mantissa * 10.0 ** exponent
        if candidate >= need * (1 - 1e-12):
            return candidate
    return 10.0 ** (exponent + 1)  # pragma: no cover - the loop ends at 10


def true_north_angle(crs, x, y):
    """Degrees clockwise from the map's up (grid north) to true north at (x, y) of a projected CRS
    (the meridian convergence, sign included); arrays give arrays."""
    to_lonlat = pyproj.Transformer.from_crs(crs, 4326, always_xy=True)
    back = pyproj.Transformer.from_crs(4326, crs, always_xy=True)
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    lon, lat = to_lonlat.transform(x, y)
    nx, ny = back.transform(lon, np.minimum(lat + 0.01, 89.99))
    angle = np.degrees(np.arctan2(nx - x, ny - y))
    return float(angle) if angle.ndim == 0 else angle


def _polygon_path(geoms: np.ndarray):
    """One matplotlib compound path of (multi)polygons (rings oriented for the nonzero fill rule)."""
    from matplotlib.path import Path as MplPath

    parts = shapely.get_parts(geoms)
    parts = parts[(shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)]
    if not len(parts):
        return None
    rings = shapely.get_rings(shapely.orient_polygons(parts))
    coords, index = shapely.get_coordinates(rings, return_index=True)
    codes = np.full(len(coords), MplPath.LINETO, dtype=np.uint8)
    starts = np.r_[0, np.flatnonzero(np.diff(index)) + 1]
    codes[starts] = MplPath.MOVETO
    codes[np.r_[starts[1:] - 1, len(coords) - 1]] = MplPath.CLOSEPOLY
    return MplPath(coords, codes)


def _line_path(geoms: np.ndarray):
    """One matplotlib path of (multi)lines (and polygon boundaries)."""
    from matplotlib.path import Path as MplPath

    parts = shapely.get_parts(geoms)
    parts = parts[np.isin(shapely.get_type_id(parts), (1, 2)) & ~shapely.is_empty(parts)]
    if not len(parts):
        return None
    coords, index = shapely.get_coordinates(parts, return_index=True)
    codes = np.full(len(coords), MplPath.LINETO, dtype=np.uint8)
    codes[np.r_[0, np.flatnonzero(np.diff(index)) + 1]] = MplPath.MOVETO
    return MplPath(coords, codes)


def _clipped(ns: NoticeSet, layer: str, geoms: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    if not len(geoms):
        return geoms
    hits = ns.tree(layer).query(shapely.box(*box))
    if not len(hits):
        return geoms[:0]
    out = shapely.clip_by_rect(geoms[np.sort(hits)], *box)
    return out[~shapely.is_empty(out)]


# ----------------------------------------------------------------------------------------- layout

_W, _H = PAGE_MM
_MARGIN = 12.0
_MAP = (_MARGIN, 40.0, _W - 2 * _MARGIN, 128.0)  # x, y (from the top), width, height in mm


def _frac(x: float, y: float, w: float, h: float) -> list[float]:
    """A box in page millimetres (from the top-left) → figure fractions [left, bottom, width, height]."""
    return [x / _W, 1 - (y + h) / _H, w / _W, h / _H]


def _em_width(text: str) -> float:
    """Approximate width of ``text`` in ems (CJK and full-width 1, others 0.56)."""
    return sum(1.0 if ord(c) >= 0x2E80 else 0.56 for c in text)


def _fit_size(text: str, size: float, width_mm: float, smallest: float = 6.0) -> float:
    """The font size (pt, at most ``size``) at which ``text`` fits ``width_mm``."""
    need = _em_width(text) * size * _MM_PER_INCH / 72.0
    return max(smallest, size * min(1.0, width_mm / max(need, 1e-9)))


def _ellipsize(text: str, size: float, width_mm: float) -> str:
    if _em_width(text) * size * _MM_PER_INCH / 72.0 <= width_mm:
        return text
    while text and _em_width(text + "…") * size * _MM_PER_INCH / 72.0 > width_mm:
        text = text[:-1]
    return text + "…"


def _format_int(n: int) -> str:
    return f"{n:,}"


def _format_area(area_m2: float, labels: dict) -> str:
    if area_m2 >= 100_000:
        return f"{area_m2 / 1e6:,.2f} {labels['sqkm']}"
    return f"{area_m2:,.0f} {labels['sqm']}"


def _photo_array(path: str, box_mm: tuple[float, float], dpi: float = 300.0) -> np.ndarray:
    """The photo, upright (EXIF), centre-cropped to the box's aspect and scaled to ``dpi``.

    Cached per file (path, size, modification time): a 网格长 serving several grids is decoded
    once per process. A JPEG is decoded at 1/2, 1/4 or 1/8 scale when that still covers the box
    (a 12-megapixel phone photo in a few milliseconds instead of a few hundred).
    """
    stat = os.stat(path)
    return _photo_cached(str(path), stat.st_size, stat.st_mtime_ns, box_mm, dpi)


@functools.lru_cache(maxsize=64)
def _photo_cached(path: str, _size: int, _mtime_ns: int, box_mm: tuple[float, float], dpi: float) -> np.ndarray:
    from PIL import Image, ImageOps

    target_w = max(1, round(box_mm[0] / _MM_PER_INCH * dpi))
    target_h = max(1, round(box_mm[1] / _MM_PER_INCH * dpi))
    with Image.open(path) as source:
        side = max(target_w, target_h)  # either way round: EXIF may turn the picture
        source.draft("RGB", (side, side))
        image = ImageOps.exif_transpose(source).convert("RGB")
    pixels = np.asarray(ImageOps.fit(image, (target_w, target_h), method=Image.Resampling.LANCZOS))
    pixels.flags.writeable = False
    return pixels


class _Page:
    """Drawing helpers on a page axes whose data units are millimetres from the top-left corner."""

    def __init__(self, fig, font_file: Path):
        from matplotlib.font_manager import FontProperties

        self.fig = fig
        self.font = FontProperties(fname=str(font_file))
        ax = fig.add_axes([0, 0, 1, 1])
        ax.set_xlim(0, _W)
        ax.set_ylim(_H, 0)
        ax.set_axis_off()
        self.ax = ax

    def text(self, x: float, y: float, s: str, size: float, color: str = "black", **kw):
        return self.ax.text(x, y, s, fontproperties=self.font, fontsize=size, color=color, **kw)

    def rect(self, x: float, y: float, w: float, h: float, **kw):
        from matplotlib.patches import Rectangle

        return self.ax.add_artist(Rectangle((x, y), w, h, **kw))

    def hline(self, x0: float, x1: float, y: float, **kw):
        from matplotlib.lines import Line2D

        self.ax.add_line(Line2D([x0, x1], [y, y], **kw))

    def image(self, x: float, y: float, w: float, h: float, pixels: np.ndarray):
        self.ax.imshow(pixels, extent=(x, x + w, y + h, y), aspect="auto", interpolation="none", zorder=2)

    def placeholder(self, x: float, y: float, w: float, h: float, note: str):
        """A grey portrait silhouette (head and shoulders, cut by the frame) where a photo is missing."""
        from matplotlib.patches import Ellipse

        frame = self.rect(x, y, w, h, facecolor="#eeeeee", edgecolor="#bbbbbb", linewidth=0.6)
        for centre, width, height in (((x + w / 2, y + h * 0.40), w * 0.38, h * 0.29),
                                      ((x + w / 2, y + h * 0.92), w * 0.80, h * 0.50)):
            shape = Ellipse(centre, width, height, facecolor="#c8c8c8", edgecolor="none")
            self.ax.add_artist(shape)
            shape.set_clip_path(frame)  # after add_artist, which clips to the axes
        self.text(x + w / 2, y + h * 0.06, note, 5.5, "#777777", ha="center", va="top")


def _draw_header(page: _Page, c: NoticeContent, labels: dict) -> None:
    page.rect(_MARGIN, 10, _W - 2 * _MARGIN, 26, facecolor=_RED, edgecolor="none")
    kicker = labels["kicker"] + (f"  ·  {c.context}" if c.context else "")
    page.text(_MARGIN + 5, 16, _ellipsize(kicker, 9, 118), 9, "white", va="center")
    size = _fit_size(c.name, 22, 120)
    page.text(_MARGIN + 5, 27.5, c.name, size, "white", va="center")
    right = _W - _MARGIN - 5
    page.text(right, 16, labels["code"], 9, "white", va="center", ha="right")
    page.text(right, 27.5, c.grid_code, 15, "white", va="center", ha="right")


def _map_extent(geom, frame_mm: tuple[float, float]) -> tuple[tuple[float, float, float, float], float]:
    minx, miny, maxx, maxy = shapely.bounds(geom)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    width, height = max(maxx - minx, 20.0), max(maxy - miny, 20.0)
    scale = max(nice_scale(width * 1.16, height * 1.16, frame_mm), _LARGEST_SCALE)
    half_w, half_h = frame_mm[0] * scale / 2000.0, frame_mm[1] * scale / 2000.0
    return (cx - half_w, cy - half_h, cx + half_w, cy + half_h), scale


def _nice_length(max_m: float) -> float:
    exponent = math.floor(math.log10(max_m))
    for mantissa in (5.0, 2.0, 1.0):
        if mantissa * 10 ** exponent <= max_m:
            return mantissa * 10 ** exponent
    return 10 ** exponent  # pragma: no cover


def _draw_map(page: _Page, ns: NoticeSet, c: NoticeContent, labels: dict) -> float:
    """Draw the map frame of a notice; return its scale denominator."""
    from matplotlib import patheffects
    from matplotlib.artist import Artist
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, PathPatch

    fig, font = page.fig, page.font
    x, y, w, h = _MAP
    ax = fig.add_axes(_frac(x, y, w, h))
    grids = ns.grids
    index = ns.position[c.grid_code]
    geom = grids.geometry.iloc[index]
    box, scale = _map_extent(geom, (w, h))
    ax.set_xlim(box[0], box[2])
    ax.set_ylim(box[1], box[3])
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("#f7f5f2")
    for spine in ax.spines.values():
        spine.set_linewidth(0.8)
    handles: list[tuple[Artist, str]] = []  # legend entries: patches and lines
    # labels on a light box, not a stroked halo: a path effect turns the text into paths (slow to
    # draw, twice per label) while a box keeps one text object that stays searchable in the PDF
    halo = {"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.7}
    buildings = _polygon_path(_clipped(ns, "buildings", ns.buildings, box))
    if buildings is not None:
        ax.add_artist(PathPatch(buildings, facecolor=_BUILDING, edgecolor="#c4bbb2", linewidth=0.2, zorder=1))
        handles.append((Patch(facecolor=_BUILDING, edgecolor="#c4bbb2", linewidth=0.4), labels["legend_building"]))
    # streets as white roads with a grey casing (major ones wider), footpaths as thin dashes
    drawn_street = False
    for name, casing, fill in (("path", 0.0, 0.5), ("minor", 2.6, 1.8), ("major", 4.2, 3.2)):
        if name not in ns.streets:
            continue
        path = _line_path(_clipped(ns, name, ns.streets[name], box))
        if path is None:
            continue
        drawn_street = True
        if name == "path":
            ax.add_artist(PathPatch(path, fill=False, edgecolor=_STREET, linewidth=fill, linestyle=(0, (2, 1.5)),
                                   zorder=2))
            continue
        for width, colour, z in ((casing, _STREET, 2.1), (fill, "white", 2.2)):
            ax.add_artist(PathPatch(path, fill=False, edgecolor=colour, linewidth=width, capstyle="round",
                                   joinstyle="round", zorder=z))
    if drawn_street:
        handles.append((Line2D([], [], color=_STREET, linewidth=2.6, path_effects=[
            patheffects.Stroke(linewidth=2.6, foreground=_STREET),
            patheffects.Stroke(linewidth=1.8, foreground="white")]),
            labels["legend_street"]))
    # neighbours, lightly, with their codes
    near = np.sort(ns.tree("grids").query(shapely.box(*box)))
    near = near[near != index]
    if len(near):
        outlines = shapely.clip_by_rect(shapely.boundary(grids.geometry.to_numpy()[near]), *box)
        path = _line_path(outlines)
        if path is not None:
            ax.add_artist(PathPatch(path, fill=False, edgecolor=_NEIGHBOUR, linewidth=0.9, linestyle=(0, (5, 1.5)),
                                   zorder=3))
            handles.append((Line2D([], [], color=_NEIGHBOUR, linewidth=0.9, linestyle=(0, (5, 1.5))),
                            labels["legend_neighbour"]))
        inner = (box[0] + (box[2] - box[0]) * 0.03, box[1] + (box[3] - box[1]) * 0.05,
                 box[2] - (box[2] - box[0]) * 0.03, box[3] - (box[3] - box[1]) * 0.05)
        pieces = shapely.clip_by_rect(shapely.difference(grids.geometry.to_numpy()[near], geom), *inner)
        _label_pieces(ax, pieces, grids["grid_code"].to_numpy()[near], box, w, font, halo)
    # a veil outside the grid, then the grid itself
    veil = _polygon_path(np.array([shapely.difference(shapely.box(*box), geom)]))
    if veil is not None:
        ax.add_artist(PathPatch(veil, facecolor="white", edgecolor="none", alpha=0.45, zorder=3.5))
    outline = _line_path(np.array([shapely.boundary(geom)]))
    ax.add_artist(PathPatch(outline, fill=False, edgecolor=_RED, linewidth=2.4, joinstyle="round", zorder=6))
    handles.insert(0, (Line2D([], [], color=_RED, linewidth=2.4), labels["legend_grid"]))
    # micro grids
    if ns.micro is not None and c.micro:
        mine = ns.micro.iloc[ns.micro_positions[c.grid_code]]
        shapes = shapely.clip_by_rect(mine.geometry.to_numpy(), *box)
        path = _line_path(shapely.boundary(shapes))
        if path is not None:
            ax.add_artist(PathPatch(path, fill=False, edgecolor=_MICRO, linewidth=0.8, linestyle=(0, (3, 1.6)),
                                   zorder=5))
            handles.insert(1, (Line2D([], [], color=_MICRO, linewidth=0.8, linestyle=(0, (3, 1.6))),
                               labels["legend_micro"]))
        for code, spot in zip(mine["micro_code"], shapely.point_on_surface(shapes), strict=True):
            if spot is not None and not spot.is_empty:
                ax.text(spot.x, spot.y, code[-2:], fontproperties=font, fontsize=6.5, color=_MICRO,
                        ha="center", va="center", zorder=7, bbox=halo)
    legend = ax.legend([hd for hd, _ in handles], [lb for _, lb in handles], loc="lower left", prop=font,
                       fontsize=7, frameon=True, framealpha=0.92, edgecolor="#999999", borderpad=0.6,
                       handlelength=2.2)
    legend.get_frame().set_linewidth(0.5)
    for text in legend.get_texts():
        text.set_fontproperties(font)
        text.set_fontsize(7)
    legend.set_zorder(10)
    _draw_scale_bar(ax, box, scale, font, labels)
    _draw_north(ax, ns.north[c.grid_code], font, labels)
    return scale


def _label_pieces(ax, pieces: np.ndarray, codes: np.ndarray, box, frame_w_mm: float, font, halo: dict) -> None:
    """Label the visible pieces of the neighbouring grids with their codes, largest first, leaving
    out a label that would overlap one already placed (or a piece too small to hold it)."""
    metres_per_mm = (box[2] - box[0]) / frame_w_mm
    size = 5.5
    half_w = _em_width("0" * 15) * size * _MM_PER_INCH / 72.0 * metres_per_mm / 2
    half_h = size * _MM_PER_INCH / 72.0 * metres_per_mm * 0.75
    areas = shapely.area(pieces)
    placed: list = []
    for i in np.argsort(-areas):
        if areas[i] < 4 * half_w * half_h * 0.5:
            break
        spot = shapely.point_on_surface(pieces[i])
        label = shapely.box(spot.x - half_w, spot.y - half_h, spot.x + half_w, spot.y + half_h)
        if any(label.intersects(p) for p in placed):
            continue
        placed.append(label)
        ax.text(spot.x, spot.y, codes[i], fontproperties=font, fontsize=size, color=_NEIGHBOUR, ha="center",
                va="center", zorder=4, bbox=halo)


def _draw_scale_bar(ax, box, scale: float, font, labels: dict) -> None:
    from matplotlib.patches import Rectangle

    width = box[2] - box[0]
    height = box[3] - box[1]
    length = _nice_length(width * 0.22)
    x1 = box[2] - width * 0.035
    x0 = x1 - length
    y0 = box[1] + height * 0.06
    bar_h = height * 0.012
    ax.add_artist(Rectangle((x0 - width * 0.02, y0 - height * 0.035), length + width * 0.035, height * 0.11,
                           facecolor="white", edgecolor="#999999", linewidth=0.5, alpha=0.92, zorder=10))
    for i in range(4):
        ax.add_artist(Rectangle((x0 + i * length / 4, y0), length / 4, bar_h,
                               facecolor="black" if i % 2 == 0 else "white", edgecolor="black", linewidth=0.5,
                               zorder=11))
    km = length >= 1000
    unit = labels["kilometres"] if km else labels["metres"]

    def fmt(v: float) -> str:
        v = v / 1000 if km else v
        return f"{v:g}"

    for v in (0.0, length / 2, length):
        ax.text(x0 + v, y0 + bar_h * 1.6, fmt(v) + (f" {unit}" if v == length else ""), fontproperties=font,
                fontsize=6.5, ha="center" if v != length else "center", va="bottom", zorder=12)
    ax.text(x0 + length / 2, y0 - height * 0.012, f"{labels['scale']} 1:{scale:,.0f}", fontproperties=font,
            fontsize=6.5, ha="center", va="top", zorder=12)


def _draw_north(ax, angle_deg: float, font, labels: dict) -> None:
    """A north arrow in the top-right corner, turned ``angle_deg`` clockwise (to true north)."""
    from matplotlib.patches import Polygon

    angle = math.radians(angle_deg)
    # in axes fractions, corrected for the frame's aspect so the arrow is not sheared
    aspect = _MAP[3] / _MAP[2]
    ox, oy, r = 0.955, 0.86, 0.06

    def at(dx: float, dy: float) -> tuple[float, float]:
        rx = dx * math.cos(angle) + dy * math.sin(angle)
        ry = -dx * math.sin(angle) + dy * math.cos(angle)
        return ox + rx * r * aspect, oy + ry * r

    ax.add_artist(Polygon([at(0, 1), at(-0.35, -0.6), at(0, -0.3)], closed=True, transform=ax.transAxes,
                         facecolor="black", edgecolor="black", linewidth=0.6, zorder=12))
    ax.add_artist(Polygon([at(0, 1), at(0.35, -0.6), at(0, -0.3)], closed=True, transform=ax.transAxes,
                         facecolor="white", edgecolor="black", linewidth=0.6, zorder=12))
    tx, ty = at(0, 1.45)
    ax.text(tx, ty, labels["north"], transform=ax.transAxes, fontproperties=font, fontsize=9, ha="center",
            va="center", zorder=12)


def _draw_staff(page: _Page, c: NoticeContent, labels: dict, photos: dict[str, np.ndarray | None],
                warnings: list[str]) -> None:
    x0, y0 = _MARGIN, 172.0
    page.text(x0, y0 + 2, labels["team"], 10, _RED, va="center")
    page.hline(x0, x0 + 126, y0 + 5, color=_RED, linewidth=0.6)
    cards = list(c.staff)
    shown = cards[:3] if len(cards) <= 3 else cards[:2]
    rest = [] if len(cards) <= 3 else cards[2:]
    card_w, photo_w, photo_h = 42.0, 18.0, 24.0
    for i, card in enumerate(shown):
        cx, cy = x0 + i * card_w, y0 + 8
        role = labels[card.role]
        if not card.name:
            page.rect(cx, cy, card_w - 3, photo_h, facecolor="#f3f3f3", edgecolor="#cccccc", linewidth=0.5)
            page.text(cx + 3, cy + 6, role, 8, _GREY_TEXT, va="center")
            page.text(cx + 3, cy + 14, labels["not_set"], 12, _GREY_TEXT, va="center")
            continue
        image = photos.get(card.photo) if card.photo else None
        if image is not None:
            page.image(cx, cy, photo_w, photo_h, image)
        else:
            page.placeholder(cx, cy, photo_w, photo_h, labels["photo_missing"] if card.photo else labels["no_photo"])
        tx = cx + photo_w + 2
        tw = card_w - photo_w - 4
        page.text(tx, cy + 3.5, role, 8, _GREY_TEXT, va="center")
        page.text(tx, cy + 11, _ellipsize(card.name, 12, tw), _fit_size(card.name, 12, tw, 8), va="center")
        phone = card.phone or labels["no_phone"]
        page.text(tx, cy + 18.5, phone, _fit_size(phone, 9, tw, 6), "black" if card.phone else _GREY_TEXT,
                  va="center")
    if rest:
        cx, cy = x0 + 2 * card_w, y0 + 8
        lines = [labels["more_staff"].format(n=len(rest))] + [
            _ellipsize(f"{labels[r.role]} {r.name} {r.phone or labels['no_phone']}", 7, card_w - 2) for r in rest[:5]]
        if len(rest) > 5:
            lines.append("…")
        for k, line in enumerate(lines):
            page.text(cx, cy + 2 + k * 3.8, line, 7, va="center")


def _draw_figures(page: _Page, c: NoticeContent, labels: dict) -> None:
    x0, y0, w = 142.0, 172.0, _W - _MARGIN - 142.0
    page.text(x0, y0 + 2, labels["figures"], 10, _RED, va="center")
    page.hline(x0, x0 + w, y0 + 5, color=_RED, linewidth=0.6)
    population = (f"{_format_int(c.population)} {labels['pop_unit']}".strip() if c.population is not None
                  else labels["not_counted"])
    micro = (f"{len(c.micro)} {labels['count_unit']}".strip() if c.micro_configured else labels["not_set"])
    rows = [(labels["households"], f"{_format_int(c.households)} {labels['hh_unit']}".strip()),
            (labels["population"], population), (labels["area"], _format_area(c.area_m2, labels)),
            (labels["micro_count"], micro)]
    for k, (label, value) in enumerate(rows):
        yy = y0 + 9 + k * 4.6
        page.text(x0, yy, label, 8.5, _GREY_TEXT, va="center")
        page.text(x0 + w, yy, value, 9, va="center", ha="right")
    page.rect(x0, y0 + 27, w, 12, facecolor="#fbeeee", edgecolor=_RED, linewidth=0.6)
    page.text(x0 + 2, y0 + 30, labels["supervision"], 8, _RED, va="center")
    phone = c.phone_supervision
    page.text(x0 + w / 2, y0 + 35.3, phone, _fit_size(phone, 14, w - 4, 7), _RED, va="center", ha="center")


def _draw_micro(page: _Page, c: NoticeContent, labels: dict) -> None:
    x0, y0, w = _MARGIN, 218.0, _W - 2 * _MARGIN
    page.text(x0, y0, labels["micro_title"], 10, _RED, va="center")
    if c.micro:
        total = sum(m.households for m in c.micro)
        summary = labels["micro_summary"].format(n=len(c.micro), hh=_format_int(total))
        page.text(x0 + w, y0, f"{summary}   ({labels['micro_note']})", 7, _GREY_TEXT, va="center", ha="right")
    page.hline(x0, x0 + w, y0 + 3, color=_RED, linewidth=0.6)
    if not c.micro:
        note = labels["micro_none"] if c.micro_configured else labels["not_set"]
        page.text(x0, y0 + 9, note, 10, _GREY_TEXT, va="center")
        return
    top, bottom = y0 + 5, 279.0
    groups = 3
    row_h, size = 4.0, 7.0
    capacity = int((bottom - top - 4.5) // row_h)
    if len(c.micro) > groups * capacity:
        row_h, size = 3.2, 6.0
        capacity = int((bottom - top - 4.5) // row_h)
    rows = list(c.micro)
    overflow = 0
    if len(rows) > groups * capacity:
        overflow = len(rows) - (groups * capacity - 1)
        rows = rows[:groups * capacity - 1]
    per_group = max(1, math.ceil((len(rows) + (1 if overflow else 0)) / groups))
    group_w = w / groups
    cols = (0.0, 0.13, 0.30, 0.60)  # fractions of a group: no., households, head, phone
    for g in range(groups):
        gx = x0 + g * group_w
        chunk = rows[g * per_group:(g + 1) * per_group]
        if not chunk and not (overflow and g * per_group <= len(rows)):
            continue
        for k, head in enumerate(("micro_seq", "micro_hh", "micro_head", "micro_phone")):
            width = ((cols[k + 1] if k < 3 else 1.0) - cols[k]) * group_w - 1.5
            page.text(gx + cols[k] * group_w + 1, top + 2.2, _ellipsize(labels[head], size, width), size, _GREY_TEXT,
                      va="center")
        page.hline(gx + 0.5, gx + group_w - 1.5, top + 4.3, color="#999999", linewidth=0.4)
        for i, m in enumerate(chunk):
            yy = top + 4.5 + (i + 0.5) * row_h
            if i % 2 == 1:
                page.rect(gx + 0.5, yy - row_h / 2, group_w - 2, row_h, facecolor="#f4f4f4", edgecolor="none")
            cells = (m.seq, _format_int(m.households), m.head or labels["not_set"], m.phone or "—")
            widths = [(cols[k + 1] - cols[k]) * group_w - 1.5 if k < 3 else (1 - cols[k]) * group_w - 2.5
                      for k in range(4)]
            for k, cell in enumerate(cells):
                color = _GREY_TEXT if (k == 2 and not m.head) else "black"
                page.text(gx + cols[k] * group_w + 1, yy, _ellipsize(cell, size, widths[k]), size, color,
                          va="center")
        if overflow and g == groups - 1:
            yy = top + 4.5 + (len(chunk) + 0.5) * row_h
            page.text(gx + 1, yy, labels["micro_more"].format(n=overflow), size, _GREY_TEXT, va="center")


def _draw_footer(page: _Page, c: NoticeContent, labels: dict, scale: float) -> None:
    y = 282.0
    page.hline(_MARGIN, _W - _MARGIN, y, color="#999999", linewidth=0.4)
    page.text(_MARGIN, y + 3.5, labels["invite"], 7.5, va="center")
    page.text(_W - _MARGIN, y + 3.5, f"{labels['date']}: {c.date}", 7.5, va="center", ha="right")
    basemap = f"{labels['basemap']}: {c.attribution}" if c.attribution else ""
    crs = (f"{labels['crs']}: {c.crs_label} · {labels['scale']} 1:{scale:,.0f} ({labels['print_note']})")
    page.text(_MARGIN, y + 8, _ellipsize(crs, 6.5, 125), 6.5, _GREY_TEXT, va="center")
    page.text(_W - _MARGIN, y + 8, basemap + (" · " if basemap else "") + "gridmap", 6.5, _GREY_TEXT, va="center",
              ha="right")


def notice_figure(ns: NoticeSet, grid_code: str, *, font_file: Path | None = None,
                  warnings: list[str] | None = None):
    """The notice of one grid as a matplotlib :class:`~matplotlib.figure.Figure` (A4, not saved).

    ``font_file`` is a font (subset) holding every character the notice prints (default: a subset
    made for this notice); unreadable photos are replaced by a placeholder and reported in
    ``warnings``.
    """
    from matplotlib.figure import Figure

    c = ns.contents[grid_code]
    labels = LABELS[ns.lang]
    warnings = [] if warnings is None else warnings
    if font_file is None:
        font_file = _font_subset(ns.font, _notice_chars(ns, [grid_code]))
    lacking = sorted({ch for ch in c.texts() if ord(ch) >= 0x20 and ord(ch) not in ns.font.cmap})
    if lacking:
        warnings.append(f"grid {grid_code}: the font {ns.font.family} has no glyph for {''.join(lacking[:10])}; "
                        "those characters print as boxes")
    photos: dict[str, np.ndarray | None] = {}
    for card in c.staff:
        if card.photo and card.photo not in photos:
            try:
                photos[card.photo] = _photo_array(card.photo, (18.0, 24.0))
            except Exception as exc:  # noqa: BLE001 - any unreadable photo becomes a placeholder
                photos[card.photo] = None
                warnings.append(f"grid {grid_code}: {card.name}'s photo {card.photo} cannot be shown "
                                f"({type(exc).__name__}: {exc}); a placeholder is printed")
    fig = Figure(figsize=(_W / _MM_PER_INCH, _H / _MM_PER_INCH))
    fig.patch.set_facecolor("white")
    page = _Page(fig, font_file)
    _draw_header(page, c, labels)
    scale = _draw_map(page, ns, c, labels)
    _draw_staff(page, c, labels, photos, warnings)
    _draw_figures(page, c, labels)
    _draw_micro(page, c, labels)
    _draw_footer(page, c, labels, scale)
    return fig


# ----------------------------------------------------------------------------------------- output


def a4_pixels(dpi: float) -> tuple[int, int]:
    """The pixel size of an A4 portrait page at ``dpi`` (rounded, e.g. 1240 × 1754 at 150 dpi)."""
    return round(_W / _MM_PER_INCH * dpi), round(_H / _MM_PER_INCH * dpi)


def _notice_chars(ns: NoticeSet, codes: Iterable[str]) -> str:
    labels = "".join(LABELS[ns.lang].values())
    return labels + "".join(ns.contents[c].texts() for c in codes) + "…—·©²:：()（）,."


def _pdf_metadata(c: NoticeContent) -> dict:
    return {"Title": f"{c.name} {c.grid_code}", "Subject": "网格公示 grid notice", "Creator": "gridmap notice"}


def _save_pdf(fig, c: NoticeContent, target) -> None:
    import matplotlib

    # Type 42 (TrueType) fonts for PDF; matplotlib ≥ 3.11 sizes its font subsets by ps.fonttype,
    # which at 42 keeps one subset per font instead of one for ASCII and one for the rest
    with matplotlib.rc_context({"pdf.fonttype": 42, "ps.fonttype": 42, "pdf.compression": 6}):
        fig.savefig(target, format="pdf", metadata=_pdf_metadata(c))


def _save_png(fig, target, dpi: float) -> None:
    """Rasterise with Agg at ``dpi`` and write an RGB PNG (no alpha: a quarter less to compress)
    carrying its resolution, so it prints at A4."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    w, h = a4_pixels(dpi)
    # Agg truncates width × dpi to whole pixels: a quarter pixel more gives the rounded A4 size
    fig.set_size_inches((w + 0.25) / dpi, (h + 0.25) / dpi)
    old_dpi = fig.dpi
    try:
        fig.set_dpi(dpi)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        # zlib level 1: three times faster than the default 6 on these pages, ~5 % larger files
        image.convert("RGB").save(target, format="PNG", dpi=(dpi, dpi), compress_level=1)
    finally:
        fig.set_dpi(old_dpi)
        fig.set_size_inches(_W / _MM_PER_INCH, _H / _MM_PER_INCH)


def _as_set(grids_or_set, grid_code: str, kwargs: dict) -> NoticeSet:
    if isinstance(grids_or_set, NoticeSet):
        if kwargs:
            # contract: valid use never gets here; English on purpose (not a user's message)
            raise TypeError("inputs are given to prepare_notices when a NoticeSet is passed")
        return grids_or_set
    return prepare_notices(grids_or_set, codes=[grid_code], **kwargs)


def notice_pdf_bytes(grids: gpd.GeoDataFrame | NoticeSet, grid_code: str, **inputs) -> bytes:
    """The notice of one grid as PDF bytes (A4, CJK font embedded) — for an app's download button.

    ``grids`` is a prepared :class:`NoticeSet` or grid polygons with the keyword inputs of
    :func:`prepare_notices` (``basemap``, ``staff``, ``micro``, ``communities``,
    ``phone_supervision``, ``lang``, ``date``).
    """
    ns = _as_set(grids, str(grid_code), inputs)
    fig = notice_figure(ns, str(grid_code))
    buf = io.BytesIO()
    _save_pdf(fig, ns.contents[str(grid_code)], buf)
    return buf.getvalue()


def plan_notice_pdf(plan, grid_code: str, *, communities: gpd.GeoDataFrame | pd.DataFrame | None = None,
                    residents: gpd.GeoDataFrame | None = None, staff: pd.DataFrame | None = None,
                    lang: str = "zh") -> bytes:
    """The notice of one grid of a :class:`gridmap.plans.plan.Plan` as PDF bytes — the app's Grid page.

    The plan's 微网格 (when it has them) are listed; building polygons among ``residents`` are the
    basemap (no streets: the app has no OSM file at hand). Raises :class:`NoticeFontError` without a
    CJK font, ``KeyError`` for a grid the plan does not have.
    """
    from gridmap.present.notice_inputs import check_micro_grids

    grids = plan.grids()
    if str(grid_code) not in set(grids["grid_code"].astype(str)):
        raise MissingKeyError("err_notice_grid_not_in_plan", grid_code=grid_code)
    micro = plan.micro_grids
    if micro is not None:
        micro = check_micro_grids(micro, source="the plan's micro grids")
    basemap = None
    if residents is not None and len(residents):
        polygons = shapely.get_type_id(residents.geometry.to_numpy()) >= 3
        basemap = Basemap(buildings=residents[polygons]) if polygons.any() else None
    return notice_pdf_bytes(grids, str(grid_code), basemap=basemap, staff=staff, micro=micro,
                            communities=communities, lang=lang)


def notice_png_bytes(grids: gpd.GeoDataFrame | NoticeSet, grid_code: str, dpi: float = 150, **inputs) -> bytes:
    """The notice of one grid as PNG bytes (A4 at ``dpi``: :func:`a4_pixels`); inputs as for
    :func:`notice_pdf_bytes`."""
    ns = _as_set(grids, str(grid_code), inputs)
    fig = notice_figure(ns, str(grid_code))
    buf = io.BytesIO()
    _save_png(fig, buf, dpi)
    return buf.getvalue()


@dataclass
class NoticeRun:
    """What :func:`write_notices` wrote: per grid code its (pdf, png) paths, the combined PDF, the
    warnings (photos, glyphs), the number of worker processes and the seconds taken."""

    files: dict[str, tuple[Path, Path]]
    combined: Path
    warnings: list[str]
    workers: int
    seconds: float


def _atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _render_files(ns: NoticeSet, code: str, out: Path, dpi: float, font_file: Path) -> tuple[str, list[str]]:
    warnings: list[str] = []
    fig = notice_figure(ns, code, font_file=font_file, warnings=warnings)
    c = ns.contents[code]
    _atomic_write(out / f"notice_{code}.pdf", lambda p: _save_pdf(fig, c, p))
    _atomic_write(out / f"notice_{code}.png", lambda p: _save_png(fig, p, dpi))
    return code, warnings


_WORKER: dict = {}


def _worker_init(ns: NoticeSet, out: Path, dpi: float, font_file: Path) -> None:
    import matplotlib

    matplotlib.use("Agg", force=True)
    _WORKER.update(ns=ns, out=out, dpi=dpi, font_file=font_file)


def _worker_render(code: str) -> tuple[str, list[str]]:
    return _render_files(_WORKER["ns"], code, _WORKER["out"], _WORKER["dpi"], _WORKER["font_file"])


def _process_context():
    """``fork`` on Linux from a single-threaded process (workers start at once, inheriting the
    imports); ``spawn`` elsewhere — there the calling script needs the ``if __name__ ==
    "__main__":`` guard, as every multiprocessing program does."""
    import multiprocessing

    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def default_workers(n_notices: int) -> int:
    """Worker processes for ``n_notices``: one per core up to 4, none (in-process) below 8 notices,
    where starting a process (≈1–2 s to import matplotlib and the inputs) costs more than it saves."""
    if n_notices < 8:
        return 1
    return max(1, min(os.cpu_count() or 1, 4, n_notices // 4))


def write_notices(ns: NoticeSet, out_dir: str | os.PathLike, codes: Iterable[str] | None = None, *,
                  dpi: float = 150, workers: int | None = None,
                  progress: Callable[[Message | str], None] | None = None,
                  combined_name: str = "notices.pdf") -> NoticeRun:
    """Write ``notice_<code>.pdf`` and ``notice_<code>.png`` per grid and ``notices.pdf`` (one page
    per grid, in code order, with a bookmark per grid) into ``out_dir``; each file atomically.

    ``workers`` > 1 renders in that many processes (default :func:`default_workers`).
    """
    import time
    from concurrent.futures import ProcessPoolExecutor

    from pypdf import PdfWriter

    start = time.perf_counter()
    say = progress or (lambda _m: None)
    codes = list(ns.codes) if codes is None else [str(c) for c in codes]
    unknown = [c for c in codes if c not in ns.contents]
    if unknown:
        raise MissingKeyError("err_notice_no_notice_prepared_for_grid", unknown=Joined(unknown[:10], LIST_SEP))
    if not codes:
        raise GridmapError("err_notice_no_grid_write_notice_for")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    font_file = _font_subset(ns.font, _notice_chars(ns, codes))
    workers = default_workers(len(codes)) if workers is None else max(1, int(workers))
    workers = min(workers, max(1, len(codes)))
    warnings = list(ns.warnings)
    done = 0
    results: Iterable[tuple[str, list[str]]]  # (grid code, warnings) per notice
    if workers == 1:
        results = (_render_files(ns, code, out, dpi, font_file) for code in codes)
        pool = None
    else:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=_process_context(),
                                   initializer=_worker_init, initargs=(ns, out, dpi, font_file))
        results = pool.map(_worker_render, codes, chunksize=max(1, len(codes) // (workers * 4)))
    try:
        for _code, found in results:
            warnings.extend(found)
            done += 1
            if done % 10 == 0 or done == len(codes):
                say(Message("prog_notices_rendered", done=done, total=len(codes)))
    finally:
        if pool is not None:
            pool.shutdown()
    writer = PdfWriter()
    for code in codes:
        c = ns.contents[code]
        writer.append(str(out / f"notice_{code}.pdf"), outline_item=f"{c.grid_code} {c.name}")
    writer.add_metadata({"/Title": LABELS[ns.lang]["kicker"], "/Creator": "gridmap notice"})
    combined = out / combined_name
    _atomic_write(combined, lambda p: writer.write(str(p)))
    files = {code: (out / f"notice_{code}.pdf", out / f"notice_{code}.png") for code in codes}
    return NoticeRun(files=files, combined=combined, warnings=warnings, workers=workers,
                     seconds=time.perf_counter() - start)
