"""Coordinate reference systems: the metric CRS for a layer, and China's web-map offsets.

Every area and distance in gridmap is computed in one projected metric CRS, the *working CRS*,
and :func:`working_crs` is the one place that decides it (docs/design.md §5): the CRS the user asks for,
else the user's own projected CRS when it measures true at the data (a Gauss–Krüger or UTM zone,
a local city grid), else — for lon/lat input, and for projections that distort (Web Mercator, a
zone far from the data) — the CGCS2000 3-degree Gauss–Krüger zone whose central meridian is
nearest the data inside China (EPSG:4534–4554), UTM elsewhere (:func:`metric_crs`). Data traced on
高德/腾讯 (GCJ-02) or 百度 (BD-09) maps is offset by hundreds of metres from WGS84 and is converted
here, vectorised with numpy.

The GCJ-02 formula is the public one (also used by eviltransform and coordtransform); its inverse
has no closed form and is solved by fixed-point iteration to 1e-10 degrees (~1e-5 m).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from gridmap.errors import GridmapError, LayerError
from gridmap.io.china_outline import CHINA_OUTLINE
from gridmap.io.transformers import transformer
from gridmap.vocab import LIST_SEP, Joined, Message

__all__ = [
    "SOURCE_SYSTEMS",
    "MAX_SCALE_ERROR",
    "working_crs",
    "working_crs_problem",
    "describe_crs",
    "metric_crs",
    "metric_crs_for_lonlat",
    "wgs84_to_gcj02",
    "gcj02_to_wgs84",
    "gcj02_to_bd09",
    "bd09_to_gcj02",
    "wgs84_to_bd09",
    "bd09_to_wgs84",
    "convert_coordinates",
    "to_wgs84_from",
    "in_china",
]

#: Where the caller says coordinates came from → the offset system they carry.
SOURCE_SYSTEMS: dict[str, str] = {
    "wgs84": "wgs84",
    "gcj02": "gcj02",
    "amap": "gcj02",  # 高德
    "gaode": "gcj02",
    "高德": "gcj02",
    "tencent": "gcj02",  # 腾讯
    "qq": "gcj02",
    "腾讯": "gcj02",
    "bd09": "bd09",
    "baidu": "bd09",  # 百度
    "百度": "bd09",
}

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 formula.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0

# Coarse box in which GCJ-02 applies (the convention all public implementations share).
_CHINA_LON = (72.004, 137.8347)
_CHINA_LAT = (0.8293, 55.8271)

# China, for choosing CGCS2000 Gauss–Krüger zones rather than UTM (prepared once: many look-ups).
_CHINA = shapely.MultiPolygon([shapely.Polygon(ring) for ring in CHINA_OUTLINE])
shapely.prepare(_CHINA)

#: A projected CRS is a working CRS only where it measures lengths true to this share in every
#: direction (Tissot's indicatrix at the data): 0.5 % in length, about 1 % in area. A Gauss–Krüger
#: 3° zone errs by at most 0.03 %, UTM by 0.1 % at its zone's edge; Web Mercator by 15 % at 30°N.
MAX_SCALE_ERROR = 0.005


def in_china(lon: np.ndarray | float, lat: np.ndarray | float) -> np.ndarray:
    """True where a lon/lat lies in the box inside which GCJ-02 offsets apply."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    return (lon >= _CHINA_LON[0]) & (lon <= _CHINA_LON[1]) & (lat >= _CHINA_LAT[0]) & (lat <= _CHINA_LAT[1])


def _gcj_delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Offset (dlon, dlat) in degrees that GCJ-02 adds to a WGS84 point."""
    x = lon - 105.0
    y = lat - 35.0
    pi = np.pi
    common = (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    dlat = dlat + common
    dlat = dlat + (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
    dlat = dlat + (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    dlon = dlon + common
    dlon = dlon + (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
    dlon = dlon + (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0
    radlat = lat / 180.0 * pi
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * pi)
    return dlon, dlat


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 → GCJ-02 (高德/腾讯). Points outside China are returned unchanged."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    dlon, dlat = _gcj_delta(lon, lat)
    inside = in_china(lon, lat)
    return np.where(inside, lon + dlon, lon), np.where(inside, lat + dlat, lat)


def gcj02_to_wgs84(lon, lat, tol: float = 1e-10, max_iter: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 → WGS84 by fixed-point iteration (exact to ``tol`` degrees, not the usual 1–2 m guess)."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    wlon, wlat = lon.copy(), lat.copy()
    for _ in range(max_iter):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        elon, elat = glon - lon, glat - lat
        wlon = wlon - elon
        wlat = wlat - elat
        if np.all(np.abs(elon) < tol) and np.all(np.abs(elat) < tol):
            break
    return wlon, wlat


def gcj02_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 → BD-09 (百度)."""
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon, lat, tol: float = 1e-10, max_iter: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 → GCJ-02: Baidu's published approximate inverse, refined by iteration to ``tol``."""
    bd_lon = np.asarray(lon, dtype=float)
    bd_lat = np.asarray(lat, dtype=float)
    x = bd_lon - 0.0065
    y = bd_lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    glon, glat = z * np.cos(theta), z * np.sin(theta)
    for _ in range(max_iter):
        blon, blat = gcj02_to_bd09(glon, glat)
        elon, elat = blon - bd_lon, blat - bd_lat
        glon = glon - elon
        glat = glat - elat
        if np.all(np.abs(elon) < tol) and np.all(np.abs(elat) < tol):
            break
    return glon, glat


def wgs84_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 → BD-09 (via GCJ-02)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 → WGS84 (via GCJ-02)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


_CONVERTERS = {
    ("gcj02", "wgs84"): gcj02_to_wgs84,
    ("wgs84", "gcj02"): wgs84_to_gcj02,
    ("bd09", "wgs84"): bd09_to_wgs84,
    ("wgs84", "bd09"): wgs84_to_bd09,
    ("bd09", "gcj02"): bd09_to_gcj02,
    ("gcj02", "bd09"): gcj02_to_bd09,
}


def _system(name: str) -> str:
    key = name.strip().lower() if name else "wgs84"
    if key not in SOURCE_SYSTEMS:
        raise GridmapError(
            "err_crs_unknown_coordinate_source_use_one", name=name, systems=Joined(sorted(SOURCE_SYSTEMS), LIST_SEP))
    return SOURCE_SYSTEMS[key]


def convert_coordinates(gdf: gpd.GeoDataFrame, source: str, target: str = "wgs84") -> gpd.GeoDataFrame:
    """Convert every vertex of a lon/lat layer between WGS84, GCJ-02 and BD-09.

    Parameters
    ----------
    gdf : GeoDataFrame in a geographic CRS (EPSG:4326 or 4490); the offset systems are lon/lat.
    source, target : ``wgs84``, ``gcj02`` (高德/腾讯, ``amap``…) or ``bd09`` (百度, ``baidu``).

    Returns
    -------
    A copy with converted geometries and the same CRS; used on input (web-map traced data →
    WGS84) and for display (WGS84 → GCJ-02 tiles).
    """
    src, dst = _system(source), _system(target)
    if src == dst:
        return gdf.copy()
    if gdf.crs is not None and not gdf.crs.is_geographic:
        raise GridmapError(
            "err_crs_coordinates_must_longitude_latitude_but", source=source, crs=gdf.crs.to_string())
    func = _CONVERTERS[(src, dst)]

    def _apply(coords: np.ndarray) -> np.ndarray:
        lon, lat = func(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    out = gdf.copy()
    out.geometry = shapely.transform(np.asarray(gdf.geometry.values), _apply)
    return out


def to_wgs84_from(gdf: gpd.GeoDataFrame, source: str | None) -> gpd.GeoDataFrame:
    """Undo a web map's offset: GCJ-02/BD-09 data → WGS84; ``None``/``wgs84`` returns ``gdf`` as is."""
    if source is None or _system(source) == "wgs84":
        return gdf
    return convert_coordinates(gdf, source, "wgs84")


def _present(gdf) -> gpd.GeoSeries:
    geoms = gdf.geometry if isinstance(gdf, gpd.GeoDataFrame) else gdf
    return geoms[~(geoms.isna() | geoms.is_empty)]


def _sample_lonlat(layers) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 lon/lat in degrees (what PROJ's scale factors take, whatever the CRS's own datum,
    prime meridian or angle unit) of the corners and centre of every layer's bounds."""
    lons: list[float] = []
    lats: list[float] = []
    base = pyproj.CRS.from_epsg(4326)
    for gdf in layers:
        geoms = _present(gdf)
        if geoms.empty:
            continue
        minx, miny, maxx, maxy = geoms.total_bounds
        xs = [minx, maxx, minx, maxx, (minx + maxx) / 2]
        ys = [miny, miny, maxy, maxy, (miny + maxy) / 2]
        try:
            lon, lat = transformer(gdf.crs, base).transform(xs, ys)
        except pyproj.exceptions.ProjError:  # a CRS with no way to lon/lat (an engineering grid)
            lon, lat = [np.nan], [np.nan]
        lons.extend(np.atleast_1d(lon))
        lats.extend(np.atleast_1d(lat))
    return np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)


def describe_crs(crs: pyproj.CRS) -> str:
    """``EPSG:4549 (CGCS2000 / 3-degree Gauss-Kruger CM 120E)``, or the name of a CRS with no code."""
    crs = pyproj.CRS.from_user_input(crs)
    epsg = crs.to_epsg()
    return f"EPSG:{epsg} ({crs.name})" if epsg else crs.name


def working_crs_problem(crs: pyproj.CRS, layers=()) -> Message | None:
    """Why ``crs`` cannot be the working CRS for ``layers`` (a message, read in the reader's language),
    or None when it can.

    A working CRS is projected, in metres, computed with ellipsoidal formulas (not Web Mercator's
    spherical ones on the ellipsoid), and measures lengths true to :data:`MAX_SCALE_ERROR` in every
    direction at the corners and centre of the data (Tissot's indicatrix from PROJ). So a
    Gauss–Krüger or UTM zone that holds the data qualifies, as does a local city grid; EPSG:3857,
    or a zone far from the data (EPSG:4549, CM 120°E, measures a Paris zone 51 % too large), does
    not.
    """
    crs = pyproj.CRS.from_user_input(crs)
    if not crs.is_projected:
        return Message("val_crs_problem_not_projected", crs=describe_crs(crs))
    unit = crs.axis_info[0].unit_name if crs.axis_info else ""
    if unit not in ("metre", "meter"):
        return Message("val_crs_problem_not_metres", crs=describe_crs(crs), unit=unit or "?")
    operation = crs.coordinate_operation
    method = operation.method_name if operation is not None else ""
    if "Pseudo Mercator" in method or "Spherical" in method:
        return Message("val_crs_problem_web_map", crs=describe_crs(crs), method=method)
    layers = [g for g in layers if g is not None and g.crs is not None and not _present(g).empty]
    if not layers:
        return None
    lon, lat = _sample_lonlat(layers)
    try:
        if not (np.isfinite(lon).all() and np.isfinite(lat).all()):
            raise GridmapError("err_crs_coordinates_that_do_not_reach")
        factors = pyproj.Proj(crs).get_factors(lon, lat, errcheck=True)
        largest = np.asarray(factors.tissot_semimajor, dtype=float)
        smallest = np.asarray(factors.tissot_semiminor, dtype=float)
    except Exception:  # noqa: BLE001 - PROJ refuses points outside the projection's domain
        largest = smallest = np.array([np.nan])
    error = np.maximum(np.abs(largest - 1.0), np.abs(smallest - 1.0))
    if not np.isfinite(error).all():
        return Message("val_crs_problem_outside", crs=describe_crs(crs))
    worst = float(error.max())
    if worst > MAX_SCALE_ERROR:
        area = float(np.max(np.abs(np.asarray(factors.areal_scale, dtype=float) - 1.0)))
        return Message("val_crs_problem_scale", crs=describe_crs(crs), worst=worst, area=area, limit=MAX_SCALE_ERROR)
    return None


def working_crs(*layers: gpd.GeoDataFrame | gpd.GeoSeries | None,
                crs: str | int | pyproj.CRS | None = None) -> pyproj.CRS:
    """The projected metric CRS in which gridmap computes on ``layers``: the one decision point.

    Parameters
    ----------
    layers : the inputs, most important first (study area, zone layers, residents, …); None and
        empty layers are skipped.
    crs : the user's choice (``--crs-work``); it must pass :func:`working_crs_problem` at the
        data, else :class:`~gridmap.errors.LayerError` says why and which CRS would do.

    Returns
    -------
    pyproj.CRS — ``crs`` if given; else the first layer's own CRS that is projected and true to
    scale at the data (a Gauss–Krüger, UTM or local grid the user works in is kept, so areas are
    the input's own); else :func:`metric_crs` of the first layer with geometry — for lon/lat input
    and for input in Web Mercator or any projection that distorts at the data (reprojected to the
    right zone).
    """
    present = [g for g in layers if g is not None and g.crs is not None and not _present(g).empty]
    if crs is not None:
        try:
            chosen = pyproj.CRS.from_user_input(crs)
        except pyproj.exceptions.CRSError as exc:
            raise LayerError("err_crs_working_crs_not_crs_pyproj", crs=crs, detail=exc) from exc
        problem = working_crs_problem(chosen, present)
        if problem:
            hint = Message("val_crs_problem_hint", crs=describe_crs(metric_crs(present[0]))) if present else ""
            raise LayerError("err_crs_working_crs_or_leave_working", crs=crs, problem=problem, hint=hint)
        return chosen
    if not present:  # no geometry to measure at: a projected CRS in metres, if a layer has one
        for gdf in layers:
            if gdf is not None and gdf.crs is not None and gdf.crs.is_projected \
                    and working_crs_problem(gdf.crs) is None:
                return pyproj.CRS.from_user_input(gdf.crs)
        raise GridmapError("err_crs_no_layer_with_crs_and")
    for gdf in present:
        if gdf.crs.is_projected and working_crs_problem(gdf.crs, present) is None:
            return pyproj.CRS.from_user_input(gdf.crs)
    return metric_crs(present[0])


def _lonlat_center(gdf: gpd.GeoDataFrame) -> tuple[float, float]:
    if gdf.crs is None:
        raise GridmapError("err_crs_layer_has_no_crs_metric")
    geoms = _present(gdf)
    if geoms.empty:
        raise GridmapError("err_crs_layer_has_no_geometry_choose")
    minx, miny, maxx, maxy = geoms.total_bounds
    xs, ys = transformer(gdf.crs, 4326).transform([minx, maxx, minx, maxx], [miny, miny, maxy, maxy])
    return float(np.mean(xs)), float(np.mean(ys))


def metric_crs_for_lonlat(lon: float, lat: float) -> pyproj.CRS:
    """The metric CRS for a place: CGCS2000 3° GK zone in China (EPSG:4534–4554), UTM elsewhere.

    "In China" is a coarse outline (mainland, Hainan, Taiwan; a few tens of km of margin), not
    a box: Seoul, Hanoi or Ulaanbaatar get UTM. Beyond UTM's latitudes (84°N, 80°S) the polar
    stereographic UPS (EPSG:5041, 5042).
    """
    if shapely.contains_xy(_CHINA, lon, lat):
        central_meridian = int(np.clip(round(lon / 3.0) * 3, 75, 135))
        return pyproj.CRS.from_epsg(4534 + (central_meridian - 75) // 3)
    if lat > 84.0:
        return pyproj.CRS.from_epsg(5041)
    if lat < -80.0:
        return pyproj.CRS.from_epsg(5042)
    zone = int(np.floor((lon + 180.0) / 6.0)) % 60 + 1
    return pyproj.CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


def metric_crs(gdf: gpd.GeoDataFrame) -> pyproj.CRS:
    """The metric CRS for lon/lat data: the zone that holds the centre of a layer's bounds.

    Parameters
    ----------
    gdf : any georeferenced layer.

    Returns
    -------
    pyproj.CRS — the CGCS2000 3-degree Gauss–Krüger zone (no zone prefix in the easting,
    EPSG:4534–4554) whose central meridian is nearest the centre of the layer's bounds inside
    China; the WGS84 UTM zone elsewhere. E.g. Nanjing (118.8°E) → EPSG:4549 (CM 120°E),
    Chongqing (106.5°E) → EPSG:4544 (CM 105°E), Paris → EPSG:32631 (UTM 31N). The layer's own
    CRS is not considered: :func:`working_crs` decides when to keep it.
    """
    return metric_crs_for_lonlat(*_lonlat_center(gdf))
