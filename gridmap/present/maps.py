"""Folium map builders that work with no internet (presentation floor; never imports streamlit).

folium writes ``<script src>`` / ``<link href>`` tags pointing at public CDNs, and streamlit-folium
loads the same URLs from the classes' ``default_js`` / ``default_css`` lists. On an intranet those
never load and the map stays blank. This module

* points folium's classes at local copies (:mod:`gridmap.present.assets`: installed from the npm
  registry, served by Streamlit at ``/app/static/vendor``) (:func:`offline_assets`);
* builds maps with no tile layer unless an intranet tile URL is given: Leaflet's grey background
  plus a vector basemap of streets and buildings (:func:`base_map`, :func:`vector_basemap`);
* adds GeoDataFrames as togglable layers, sent to the browser in EPSG:4326 with coordinates
  rounded to 6 decimals (~0.1 m) (:func:`add_layer`);
* writes standalone HTML files with every script, stylesheet, font and image inlined, that open
  from a USB stick with no server and no internet (:func:`standalone_html`, :func:`save_standalone`).

The demo data and the vector basemap derive from OpenStreetMap, so every map carries the ODbL
attribution :data:`OSM_ATTRIBUTION`.
"""

from __future__ import annotations

import base64
import html as html_lib
import json
import mimetypes
import re
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import branca
import folium
import folium.elements
import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template

from gridmap.errors import GridmapError, MissingKeyError
from gridmap.io.files import atomic_write
from gridmap.present.assets import VENDOR_DIR, VENDORED
from gridmap.vocab import Message

__all__ = [
    "DEFAULT_ASSETS_URL",
    "OSM_ATTRIBUTION",
    "VENDOR_DIR",
    "VENDORED",
    "AssetsMissingError",
    "offline_assets",
    "geo_dict",
    "external_assets",
    "asset_urls",
    "base_map",
    "vector_basemap",
    "add_layer",
    "to_web",
    "standalone_html",
    "save_standalone",
]

#: URL at which Streamlit serves the assets folder (``server.enableStaticServing``; see
#: :mod:`gridmap.present.assets` for what is in it and where it lives).
DEFAULT_ASSETS_URL = "/app/static/vendor"

#: Attribution shown on every map: the demo data and the vector basemap are OpenStreetMap data.
OSM_ATTRIBUTION = "© OpenStreetMap contributors (ODbL)"


class AssetsMissingError(FileNotFoundError):
    """The local map assets (``static/vendor``) are not installed."""


# --------------------------------------------------------------------------------------------
# Local assets
# --------------------------------------------------------------------------------------------


def _asset_classes() -> list[type]:
    """Every folium class that declares its own ``default_js`` or ``default_css``."""
    found: list[type] = []
    stack = list(folium.elements.JSCSSMixin.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if ("default_js" in cls.__dict__ or "default_css" in cls.__dict__) and cls not in found:
            found.append(cls)
    return found


# Pristine CDN lists, captured once so that offline_assets() can be called again with another base.
_ORIGINAL: dict[type, tuple[list, list]] = {}


def _original_lists(cls: type) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    if cls not in _ORIGINAL:
        _ORIGINAL[cls] = (
            list(cls.__dict__.get("default_js", [])),
            list(cls.__dict__.get("default_css", [])),
        )
    return _ORIGINAL[cls]


def _local_url(base_url: str, rel: str) -> str:
    return f"{base_url.rstrip('/')}/{rel}"


def offline_assets(base_url: str = DEFAULT_ASSETS_URL) -> list[str]:
    """Point folium's classes at the local copies of their JavaScript and CSS.

    Rewrites, on the classes themselves (which is what both ``folium`` and ``streamlit_folium``
    read), every ``default_js`` / ``default_css`` entry whose CDN URL has a local copy in
    :data:`VENDORED` — ``folium.Map``, ``folium.plugins.Draw`` and any other folium class that uses
    one of the same files. Idempotent; a later call with another ``base_url`` replaces the first.

    Parameters
    ----------
    base_url : str
        URL under which ``static/vendor`` is served. Streamlit with
        ``server.enableStaticServing = true`` serves ``./static`` at ``/app/static``.

    Returns
    -------
    list of str
        CDN URLs of classes whose assets have no local copy (plugins this project does not use,
        e.g. MarkerCluster). A map that uses such a class would still reach the internet:
        :func:`external_assets` finds them on a given map.
    """
    missing: list[str] = []
    for cls in _asset_classes():
        js, css = _original_lists(cls)
        new_lists = []
        for entries in (js, css):
            new: list[tuple[str, str]] = []
            for name, url in entries:
                rel = VENDORED.get(url)
                if rel is None:
                    missing.append(url)
                    new.append((name, url))
                else:
                    new.append((name, _local_url(base_url, rel)))
            new_lists.append(new)
        if "default_js" in cls.__dict__:
            cls.default_js = new_lists[0]  # type: ignore[attr-defined]  # a JSCSSMixin subclass
        if "default_css" in cls.__dict__:
            cls.default_css = new_lists[1]  # type: ignore[attr-defined]  # a JSCSSMixin subclass
    return sorted(set(missing))


class _AssetTags(HTMLParser):
    """Collects ``<script src>`` and ``<link rel=stylesheet href>`` of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.styles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.scripts.append(a["src"] or "")
        elif tag == "link" and a.get("href") and "stylesheet" in (a.get("rel") or "").lower():
            self.styles.append(a["href"] or "")


def asset_urls(page_html: str) -> tuple[list[str], list[str]]:
    """``(script src, stylesheet href)`` lists of an HTML page, in document order."""
    parser = _AssetTags()
    parser.feed(page_html)
    return parser.scripts, parser.styles


def _map_asset_links(m: folium.Map) -> list[str]:
    """Every JS/CSS URL the map's elements declare (what streamlit-folium loads)."""
    links: list[str] = []

    def walk(el: Any) -> None:
        if isinstance(el, folium.elements.JSCSSMixin):
            links.extend(u for _, u in getattr(el, "default_js", []))
            links.extend(u for _, u in getattr(el, "default_css", []))
        for child in getattr(el, "_children", {}).values():
            walk(child)

    walk(m)
    return list(dict.fromkeys(links))


def external_assets(m: folium.Map) -> list[str]:
    """URLs of scripts/stylesheets the map would load from another host (should be empty).

    Parameters
    ----------
    m : folium.Map
        The map, built after :func:`offline_assets`.

    Returns
    -------
    list of str
        Every ``http(s)://`` or protocol-relative (``//host``) asset URL the map's elements
        declare.
    """
    return [u for u in _map_asset_links(m) if re.match(r"^(https?:)?//", u, re.I)]


class _IconImagePath(MacroElement):
    """Sets ``L.Icon.Default.imagePath`` explicitly.

    Leaflet guesses the path of its marker images from leaflet.css; under streamlit-folium the CSS
    loads after the scripts, the guess fails and default markers 404.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
L.Icon.Default.imagePath = {{ this.path|tojson }};
{% endmacro %}"""
    )

    def __init__(self, path: str) -> None:
        super().__init__()
        self._name = "IconImagePath"
        self.path = path


class _Attribution(MacroElement):
    """Adds a fixed attribution to the map's attribution control (no tile layer carries one)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});
{% endmacro %}"""
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Attribution"
        self.text = text


# --------------------------------------------------------------------------------------------
# Geometry for the browser
# --------------------------------------------------------------------------------------------


def _round_coords(geoms: np.ndarray, decimals: int) -> np.ndarray:
    return shapely.transform(geoms, lambda xy: np.round(xy, decimals))


def _json_value(v: Any) -> Any:
    """A JSON-safe scalar: None for missing, Python int/float/bool/str otherwise."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if not np.isfinite(v) else float(v)
    return str(v)


def geo_dict(gdf: gpd.GeoDataFrame) -> dict[str, Any]:
    """Return ``gdf`` as a GeoJSON FeatureCollection dict, as ``gdf.to_geo_dict(show_bbox=False)`` does.

    Geometries are written by GEOS (``shapely.to_geojson``) and parsed by the C JSON decoder,
    instead of geopandas' coordinate-by-coordinate ``mapping``: a coverage class dissolved from
    100,000 faces has ~10⁵ vertices, which took a second in Python. Attribute values must already
    be JSON-safe (:func:`to_web` makes them so).
    """
    geoms = gdf.geometry.to_numpy()
    texts = shapely.to_geojson(geoms)
    geometries = json.loads("[" + ",".join(t if t is not None else "null" for t in texts) + "]")
    records = gdf.drop(columns=gdf.geometry.name).to_dict("records")
    features = [{"id": str(i), "type": "Feature", "properties": props, "geometry": geom}
                for i, props, geom in zip(gdf.index, records, geometries, strict=True)]
    return {"type": "FeatureCollection", "features": features}


def to_web(gdf: gpd.GeoDataFrame, columns: Sequence[str] = (), decimals: int = 6) -> gpd.GeoDataFrame:
    """A copy of ``gdf`` ready to send to a browser.

    Reprojected to EPSG:4326, coordinates rounded to ``decimals`` (6 ≈ 0.1 m), empty and missing
    geometries dropped, only ``columns`` kept, with values made JSON-safe (NaN → None, datetimes
    and other objects → str).

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Layer with a CRS.
    columns : sequence of str
        Attribute columns to keep (the tooltip fields); unknown names raise ``KeyError``.
    decimals : int
        Decimal places of the lon/lat coordinates.

    Returns
    -------
    geopandas.GeoDataFrame
        In EPSG:4326.

    Raises
    ------
    ValueError
        If ``gdf`` has no CRS.
    """
    if gdf.crs is None:
        raise GridmapError("err_maps_layer_has_no_crs_set")
    missing = [c for c in columns if c not in gdf.columns]
    if missing:
        raise MissingKeyError("err_maps_columns_not_in_layer", missing=missing)
    out = gdf[[*columns, gdf.geometry.name]].copy()
    out = out[out.geometry.notna() & ~out.geometry.is_empty]
    if not out.crs.equals("EPSG:4326"):
        out = out.to_crs("EPSG:4326")
    out = out.set_geometry(_round_coords(out.geometry.values, decimals), crs="EPSG:4326")
    for c in columns:
        out[c] = pd.Series([_json_value(v) for v in out[c].tolist()], index=out.index, dtype=object)
    return out


def _bounds_latlon(bounds: Any) -> list[list[float]]:
    """``[[south, west], [north, east]]`` from a GeoDataFrame/GeoSeries or a 4326 bbox tuple."""
    if isinstance(bounds, (gpd.GeoDataFrame, gpd.GeoSeries)):
        if bounds.crs is None:
            raise GridmapError("err_maps_bounds_layer_has_no_crs")
        g = bounds if bounds.crs.equals("EPSG:4326") else bounds.to_crs("EPSG:4326")
        minx, miny, maxx, maxy = (float(v) for v in g.total_bounds)
    else:
        minx, miny, maxx, maxy = (float(v) for v in bounds)
    if not all(np.isfinite([minx, miny, maxx, maxy])):
        raise GridmapError("err_maps_empty_bounds_layer_has_no")
    return [[round(miny, 6), round(minx, 6)], [round(maxy, 6), round(maxx, 6)]]


# --------------------------------------------------------------------------------------------
# Maps and layers
# --------------------------------------------------------------------------------------------


def base_map(
    gdf_bounds: gpd.GeoDataFrame | gpd.GeoSeries | Sequence[float],
    tiles_url: str | None = None,
    *,
    tiles_attribution: str | None = None,
    assets_url: str = DEFAULT_ASSETS_URL,
    max_zoom: int = 20,
) -> folium.Map:
    """An empty map fitted to some bounds, with no tile layer unless an intranet one is given.

    Calls :func:`offline_assets` (``assets_url``) first, so the map and everything added to it
    loads from local files. Without ``tiles_url`` the map shows Leaflet's grey background; draw
    streets and buildings with :func:`vector_basemap`. The ODbL attribution is always shown.

    Parameters
    ----------
    gdf_bounds : GeoDataFrame, GeoSeries or (minx, miny, maxx, maxy)
        What to fit the view to; a tuple is lon/lat (EPSG:4326).
    tiles_url : str, optional
        XYZ template of an intranet tile server, e.g. ``http://tiles.intra/{z}/{x}/{y}.png``.
        Tiles must be in WGS84 web mercator: tiles of 高德/腾讯 (GCJ-02) or 百度 (BD-09) are offset
        by hundreds of metres from the data.
    tiles_attribution : str, optional
        Attribution of those tiles (default: "Intranet tiles").
    assets_url : str
        Where ``static/vendor`` is served.
    max_zoom : int
        Highest zoom level.

    Returns
    -------
    folium.Map
    """
    offline_assets(assets_url)
    (south, west), (north, east) = _bounds_latlon(gdf_bounds)
    m = folium.Map(
        location=[round((south + north) / 2, 6), round((west + east) / 2, 6)],
        zoom_start=14,
        tiles=None,
        max_zoom=max_zoom,
        control_scale=True,
    )
    _IconImagePath(_local_url(assets_url, "leaflet/images/")).add_to(m)
    if tiles_url:
        folium.TileLayer(
            tiles=tiles_url,
            attr=tiles_attribution or "Intranet tiles",
            name=tiles_attribution or "Tiles",
            max_zoom=max_zoom,
            control=False,
        ).add_to(m)
    _Attribution(OSM_ATTRIBUTION).add_to(m)
    m.fit_bounds([[south, west], [north, east]])
    return m


def ensure_layer_control(m: folium.Map) -> None:
    """Exactly one LayerControl, rendered last (its script names the layers added before it)."""
    for key, child in list(m._children.items()):
        if isinstance(child, folium.LayerControl):
            del m._children[key]
    folium.LayerControl(collapsed=False).add_to(m)


_ensure_layer_control = ensure_layer_control


def _geojson(
    data: gpd.GeoDataFrame,
    *,
    color: str,
    fill_color: str | None,
    weight: float,
    fill_opacity: float,
    dash_array: str | None,
    tooltip_fields: Sequence[str],
    tooltip_aliases: Sequence[str] | None,
    interactive: bool,
    point_radius: float,
) -> folium.GeoJson:
    style = {
        "color": color,
        "weight": weight,
        "fillColor": fill_color or color,
        "fillOpacity": fill_opacity,
        "opacity": 0.9,
    }
    if dash_array:
        style["dashArray"] = dash_array
    tooltip = None
    if tooltip_fields and interactive:
        tooltip = folium.GeoJsonTooltip(
            fields=list(tooltip_fields),
            aliases=list(tooltip_aliases) if tooltip_aliases else list(tooltip_fields),
            localize=True,
            sticky=True,
        )
    marker = None
    if data.geom_type.isin(["Point", "MultiPoint"]).any():
        marker = folium.CircleMarker(
            radius=point_radius, color=color, weight=weight, fill=True, fill_color=fill_color or color, fill_opacity=0.8
        )
    return folium.GeoJson(
        geo_dict(data),
        style_function=lambda _feature, s=style: s,
        tooltip=tooltip,
        marker=marker,
        interactive=interactive,
        embed=True,
    )


def add_layer(
    m: folium.Map,
    gdf: gpd.GeoDataFrame,
    name: str,
    color: str,
    tooltip_fields: Sequence[str] | None = None,
    *,
    tooltip_aliases: Sequence[str] | None = None,
    fill_color: str | None = None,
    fill_opacity: float = 0.15,
    weight: float = 2.0,
    dash_array: str | None = None,
    show: bool = True,
    point_radius: float = 5.0,
) -> folium.FeatureGroup:
    """Add a layer (polygons, lines or points) as a togglable group, listed in the layer control.

    Geometry is sent to the browser in EPSG:4326 with coordinates rounded to 6 decimals, with only
    the tooltip columns as properties. Points are drawn as circle markers (no icon images).

    Parameters
    ----------
    m : folium.Map
        Map from :func:`base_map`.
    gdf : geopandas.GeoDataFrame
        Layer with a CRS (any; it is reprojected).
    name : str
        Name shown in the layer control.
    color : str
        Outline colour (CSS), also the fill unless ``fill_color`` is given.
    tooltip_fields : sequence of str, optional
        Columns shown on hover; ``None`` or empty for no tooltip.
    tooltip_aliases : sequence of str, optional
        Labels for those columns (e.g. translated), same length.
    fill_color, fill_opacity, weight, dash_array : optional
        Leaflet path style.
    show : bool
        Whether the layer is on when the map opens.
    point_radius : float
        Radius in pixels of point features.

    Returns
    -------
    folium.FeatureGroup
        The group holding the layer.
    """
    fields = list(tooltip_fields or [])
    if tooltip_aliases is not None and len(tooltip_aliases) != len(fields):
        # contract: valid use never gets here; English on purpose (not a user's message)
        raise ValueError("tooltip_aliases must have one label per tooltip field")
    data = to_web(gdf, fields)
    group = folium.FeatureGroup(name=name, show=show)
    if len(data):
        _geojson(
            data,
            color=color,
            fill_color=fill_color,
            weight=weight,
            fill_opacity=fill_opacity,
            dash_array=dash_array,
            tooltip_fields=fields,
            tooltip_aliases=tooltip_aliases,
            interactive=True,
            point_radius=point_radius,
        ).add_to(group)
    group.add_to(m)
    _ensure_layer_control(m)
    return group


def vector_basemap(
    m: folium.Map,
    streets_gdf: gpd.GeoDataFrame | None = None,
    buildings_gdf: gpd.GeoDataFrame | None = None,
    *,
    streets_name: str = "Streets",
    buildings_name: str = "Buildings",
) -> folium.Map:
    """Draw streets and buildings as thin grey vector layers: a basemap that needs no tiles.

    Both layers are non-interactive (no tooltips, clicks go through to the layers above) and can
    be switched off in the layer control. Call it before adding the thematic layers so they draw
    on top.

    Parameters
    ----------
    m : folium.Map
        Map from :func:`base_map`.
    streets_gdf : geopandas.GeoDataFrame, optional
        Street centre lines (LineString/MultiLineString), any CRS.
    buildings_gdf : geopandas.GeoDataFrame, optional
        Building footprints (Polygon/MultiPolygon), any CRS.
    streets_name, buildings_name : str
        Names in the layer control.

    Returns
    -------
    folium.Map
        ``m``, for chaining.
    """
    layers = ((buildings_gdf, buildings_name, "#9e9e9e", "#bdbdbd", 0.5, 0.6),
              (streets_gdf, streets_name, "#8a8a8a", None, 1.2, 0.0))
    for gdf, name, color, fill_color, weight, fill_opacity in layers:
        if gdf is None or not len(gdf):
            continue
        group = folium.FeatureGroup(name=name, show=True)
        _geojson(to_web(gdf), color=color, fill_color=fill_color, weight=weight, fill_opacity=fill_opacity,
                 dash_array=None, tooltip_fields=(), tooltip_aliases=None, interactive=False,
                 point_radius=2).add_to(group)
        group.add_to(m)
    _ensure_layer_control(m)
    return m


# --------------------------------------------------------------------------------------------
# Standalone HTML
# --------------------------------------------------------------------------------------------

_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}", re.I)
_SRC_DECL = re.compile(r"(?<![-\w])src\s*:\s*([^;}]*)", re.I)
_SCRIPT_TAG = re.compile(r"""<script\b[^>]*\bsrc\s*=\s*(["'])(.*?)\1[^>]*>\s*</script\s*>""", re.I | re.S)
_LINK_TAG = re.compile(r"""<link\b[^>]*>""", re.I)
_HREF = re.compile(r"""\bhref\s*=\s*(["'])(.*?)\1""", re.I | re.S)
_FONT_TYPES = {".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf",
               ".eot": "application/vnd.ms-fontobject"}


def _rel_path(url: str, assets_url: str) -> str | None:
    """Path under ``static/vendor`` of an asset URL (CDN or local), or None if not vendored."""
    if url in VENDORED:
        return VENDORED[url]
    prefix = assets_url.rstrip("/") + "/"
    if url.startswith(prefix):
        return url[len(prefix):].split("?", 1)[0].split("#", 1)[0]
    return None


def _read_asset(vendor_dir: Path, rel: str) -> bytes:
    path = vendor_dir / rel
    if not vendor_dir.is_dir():
        raise AssetsMissingError(
            Message("err_maps_offline_map_assets_not_installed", vendor_dir=vendor_dir)
        )
    if not path.is_file():
        raise AssetsMissingError(Message("err_maps_offline_map_asset_missing", path=path))
    return path.read_bytes()


def _data_uri(vendor_dir: Path, rel: str) -> str:
    mime = _FONT_TYPES.get(Path(rel).suffix.lower()) or mimetypes.guess_type(rel)[0] or "application/octet-stream"
    data = base64.b64encode(_read_asset(vendor_dir, rel)).decode("ascii")
    return f"data:{mime};base64,{data}"


def _slim_font_faces(css: str) -> str:
    """In each @font-face keep only the woff2 source when there is one (every current browser reads
    woff2), so a standalone file does not carry each font three or four times."""

    def slim(face: re.Match) -> str:
        block = face.group(0)
        if ".woff2" not in block:
            return block

        def keep_woff2(decl: re.Match) -> str:
            sources = [s.strip() for s in re.split(r",(?![^(]*\))", decl.group(1))]
            woff2 = [s for s in sources if ".woff2" in s]
            # a src without woff2 (e.g. the old-IE eot line) is dropped: the woff2 one replaces it
            return f"src:{woff2[0]}" if woff2 else "src:none"

        slimmed = _SRC_DECL.sub(keep_woff2, block)
        return re.sub(r"src:none;?", "", slimmed)

    return _FONT_FACE.sub(slim, css)


def _inline_css(vendor_dir: Path, rel: str) -> str:
    """A stylesheet with every relative ``url()`` replaced by a data URI."""
    css = _slim_font_faces(_read_asset(vendor_dir, rel).decode("utf-8"))
    base = Path(rel).parent

    def repl(match: re.Match) -> str:
        target = match.group(2).strip()
        if target.startswith(("data:", "#")):
            return match.group(0)
        if re.match(r"^([a-z]+:)?//", target, re.I):
            raise GridmapError("err_maps_references_external_resource", rel=rel, target=target)
        clean = target.split("?", 1)[0].split("#", 1)[0]
        resolved = (base / clean).as_posix()
        # normalise "a/b/../c" without touching the file system
        parts: list[str] = []
        for part in resolved.split("/"):
            if part == "..":
                if parts:
                    parts.pop()
            elif part not in ("", "."):
                parts.append(part)
        return f'url("{_data_uri(vendor_dir, "/".join(parts))}")'

    return _CSS_URL.sub(repl, css).replace("</style", "<\\/style")


def _icon_data_options(vendor_dir: Path) -> str:
    """JS that gives Leaflet's default marker inline images (no image folder next to a file)."""
    opts = {
        "iconUrl": _data_uri(vendor_dir, "leaflet/images/marker-icon.png"),
        "iconRetinaUrl": _data_uri(vendor_dir, "leaflet/images/marker-icon-2x.png"),
        "shadowUrl": _data_uri(vendor_dir, "leaflet/images/marker-shadow.png"),
    }
    body = ", ".join(f'{k}: "{v}"' for k, v in opts.items())
    return f'L.Icon.Default.imagePath = ""; L.Icon.Default.mergeOptions({{{body}}});'


def standalone_html(
    m: folium.Map | branca.element.Figure,
    vendor_dir: str | Path | None = None,
    *,
    assets_url: str = DEFAULT_ASSETS_URL,
) -> str:
    """The map as one self-contained HTML page that opens with no server and no internet.

    Every script and stylesheet is inlined from ``static/vendor``, and every font or image the
    stylesheets reference becomes a data URI (fonts: woff2 only).

    Parameters
    ----------
    m : folium.Map or branca.element.Figure
        The map.
    vendor_dir : str or Path, optional
        Folder of the installed assets (default: :data:`gridmap.present.assets.VENDOR_DIR`).
    assets_url : str
        Base URL the map's local asset links use (see :func:`offline_assets`).

    Returns
    -------
    str
        The HTML page.

    Raises
    ------
    AssetsMissingError
        If the assets are not installed; the message says to run ``scripts/install_assets.sh``.
    ValueError
        If the map uses a folium plugin whose assets have no local copy.
    """
    vendor = Path(vendor_dir) if vendor_dir is not None else VENDOR_DIR
    if not vendor.is_dir():
        raise AssetsMissingError(
            Message("err_maps_offline_map_assets_not_installed_2", vendor=vendor)
        )
    offline_assets(assets_url)
    page = m.get_root().render()

    def script(match: re.Match) -> str:
        url = html_lib.unescape(match.group(2))
        rel = _rel_path(url, assets_url)
        if rel is None:
            if re.match(r"^([a-z]+:)?//", url, re.I):
                raise GridmapError("err_maps_no_local_copy_add_gridmap", url=url)
            return match.group(0)
        code = _read_asset(vendor, rel).decode("utf-8").replace("</script", "<\\/script")
        return f"<script>/* {rel} */\n{code}\n</script>"

    def link(match: re.Match) -> str:
        tag = match.group(0)
        if "stylesheet" not in tag.lower():
            return tag
        href = _HREF.search(tag)
        if href is None:
            return tag
        url = html_lib.unescape(href.group(2))
        rel = _rel_path(url, assets_url)
        if rel is None:
            if re.match(r"^([a-z]+:)?//", url, re.I):
                raise GridmapError("err_maps_no_local_copy_add_gridmap", url=url)
            return tag
        return f"<style>/* {rel} */\n{_inline_css(vendor, rel)}\n</style>"

    page = _SCRIPT_TAG.sub(script, page)
    page = _LINK_TAG.sub(link, page)
    image_path = f"L.Icon.Default.imagePath = {json.dumps(_local_url(assets_url, 'leaflet/images/'))};"
    if image_path in page:
        page = page.replace(image_path, _icon_data_options(vendor))
    return page


def save_standalone(
    m: folium.Map | branca.element.Figure,
    path: str | Path,
    vendor_dir: str | Path | None = None,
    *,
    assets_url: str = DEFAULT_ASSETS_URL,
) -> Path:
    """Write :func:`standalone_html` to ``path`` (UTF-8, replaced atomically: a reader never sees
    half a page) and return the path."""
    page = standalone_html(m, vendor_dir, assets_url=assets_url)
    return atomic_write(path, lambda tmp: tmp.write_text(page, encoding="utf-8"))
