"""Coordinate reference systems: the metric CRS for a layer, and China's web-map offsets.

Every area and distance in gridmap is computed in a projected metric CRS chosen for the data
(docs/design.md §5): the CGCS2000 3-degree Gauss–Krüger zone whose central meridian is nearest the data
inside China (EPSG:4534–4554), UTM elsewhere. Data traced on 高德/腾讯 (GCJ-02) or 百度 (BD-09)
maps is offset by hundreds of metres from WGS84 and is converted here, vectorised with numpy.

The GCJ-02 formula is the public one (also used by eviltransform and coordtransform); its inverse
has no closed form and is solved by fixed-point iteration to 1e-10 degrees (~1e-5 m).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import shapely

__all__ = [
    "SOURCE_SYSTEMS",
    "metric_crs",
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

# Mainland China, for choosing CGCS2000 Gauss–Krüger zones rather than UTM.
_CGCS_LON = (73.0, 136.0)
_CGCS_LAT = (3.0, 54.0)


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
        raise ValueError(
            f"Unknown coordinate source {name!r}: use one of {', '.join(sorted(SOURCE_SYSTEMS))} "
            "(高德/腾讯 = gcj02, 百度 = bd09)."
        )
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
        raise ValueError(
            f"{source} coordinates must be longitude/latitude, but the layer's CRS is {gdf.crs.to_string()}: "
            "web-map (高德/腾讯/百度) coordinates are never projected."
        )
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


def _lonlat_center(gdf: gpd.GeoDataFrame) -> tuple[float, float]:
    if gdf.crs is None:
        raise ValueError("The layer has no CRS: a metric CRS can only be chosen for georeferenced data.")
    geoms = gdf.geometry
    geoms = geoms[~(geoms.isna() | geoms.is_empty)]
    if geoms.empty:
        raise ValueError("The layer has no geometry to choose a metric CRS for.")
    minx, miny, maxx, maxy = geoms.total_bounds
    transformer = pyproj.Transformer.from_crs(gdf.crs, "EPSG:4326", always_xy=True)
    xs, ys = transformer.transform([minx, maxx, minx, maxx], [miny, miny, maxy, maxy])
    return float(np.mean(xs)), float(np.mean(ys))


def metric_crs_for_lonlat(lon: float, lat: float) -> pyproj.CRS:
    """The metric CRS for a place: CGCS2000 3° GK zone in China (EPSG:4534–4554), UTM elsewhere."""
    if _CGCS_LON[0] <= lon <= _CGCS_LON[1] and _CGCS_LAT[0] <= lat <= _CGCS_LAT[1]:
        central_meridian = int(np.clip(round(lon / 3.0) * 3, 75, 135))
        return pyproj.CRS.from_epsg(4534 + (central_meridian - 75) // 3)
    zone = int(np.floor((lon + 180.0) / 6.0)) % 60 + 1
    return pyproj.CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


def metric_crs(gdf: gpd.GeoDataFrame) -> pyproj.CRS:
    """Pick the projected metric CRS in which to measure a layer's areas and distances.

    Parameters
    ----------
    gdf : any georeferenced layer.

    Returns
    -------
    pyproj.CRS — the CGCS2000 3-degree Gauss–Krüger zone (no zone prefix in the easting,
    EPSG:4534–4554) whose central meridian is nearest the centre of the layer's bounds inside
    China; the WGS84 UTM zone elsewhere. E.g. Nanjing (118.8°E) → EPSG:4549 (CM 120°E),
    Chongqing (106.5°E) → EPSG:4544 (CM 105°E).
    """
    return metric_crs_for_lonlat(*_lonlat_center(gdf))

