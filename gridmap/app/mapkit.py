"""Maps on the pages: one way to build, shift, send and show them.

* every map is drawn by the core (:mod:`gridmap.present.drawing` and the map builders of
  :mod:`gridmap.present`) on this page's :func:`setup` — shifted to GCJ-02 when the user shows the
  data on GCJ-02 tiles (display only), with translated tooltips; :func:`add` and :func:`new_map`
  are those calls for a page's own layers;
* :func:`show` sends the map with ``st_folium`` and only the returned objects a page needs
  (none by default: panning or zooming never reruns the script), and keeps the map's position
  across reruns and page switches (:class:`KeepView`: the view is kept in the browser's
  ``sessionStorage``, so no rerun is needed to remember it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import folium
import geopandas as gpd
import streamlit as st
import streamlit_folium as sf
from branca.element import MacroElement
from jinja2 import Template
from streamlit_folium import st_folium

from gridmap.app import analysis
from gridmap.app.context import PageContext
from gridmap.app.i18n import t
from gridmap.present import drawing, maps
from gridmap.present.drawing import MapSetup

__all__ = ["KeepView", "basemap_layers", "setup", "new_map", "add", "geojson", "prepare", "show", "section",
           "register_component", "MAP_HEIGHT"]

MAP_HEIGHT = 600


class KeepView(MacroElement):
    """Restore the map's last centre and zoom (``sessionStorage[key]``) and remember each move.

    Runs after ``fitBounds``: the first time a map opens it fits the data; afterwards, and when
    a rerun rebuilds the map, it comes back where the user left it. Storage errors (private
    mode, a sandbox) are ignored: the map then just fits the data.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
(function (map) {
    var key = {{ this.storage_key|tojson }};
    try {
        var v = JSON.parse(window.sessionStorage.getItem(key) || "null");
        if (v && isFinite(v.lat) && isFinite(v.lng) && isFinite(v.zoom)) {
            map.setView([v.lat, v.lng], v.zoom, {animate: false});
        }
    } catch (e) {}
    map.on("moveend", function () {
        try {
            var c = map.getCenter();
            window.sessionStorage.setItem(key, JSON.stringify({lat: c.lat, lng: c.lng, zoom: map.getZoom()}));
        } catch (e) {}
    });
})({{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(self, storage_key: str) -> None:
        super().__init__()
        self._name = "KeepView"
        self.storage_key = storage_key


def basemap_layers(ctx: PageContext) -> tuple[gpd.GeoDataFrame | None, gpd.GeoDataFrame | None]:
    """Streets and buildings of the dataset's OSM file, lightened (cached)."""
    osm = ctx.data.osm_path
    return analysis.basemap(str(osm) if osm else None)


def setup(ctx: PageContext, basemap: bool = True,
          base: tuple[gpd.GeoDataFrame | None, gpd.GeoDataFrame | None] | None = None) -> MapSetup:
    """What the core's map builders draw on for this page: the user's tiles and display system, and
    (with ``basemap``) the dataset's streets and buildings — ``base`` when already fetched (for code
    running outside a script run, e.g. a deferred download)."""
    streets = buildings = None
    if basemap:
        streets, buildings = base if base is not None else basemap_layers(ctx)
    return MapSetup(tiles_url=ctx.maps.tiles_url or None, display_system=ctx.maps.display_system, streets=streets,
                    buildings=buildings)


def new_map(ctx: PageContext, bounds: gpd.GeoDataFrame, basemap: bool = True,
            base: tuple[gpd.GeoDataFrame | None, gpd.GeoDataFrame | None] | None = None) -> folium.Map:
    """An empty map fitted to ``bounds``, with the intranet tiles if set and the vector basemap."""
    return drawing.new_map(bounds, setup(ctx, basemap, base), ctx.lang)


def add(m: folium.Map, ctx: PageContext, gdf: gpd.GeoDataFrame | None, name: str, color: str,
        fields: Sequence[str] = (), labels: dict[str, str] | None = None, **style) -> None:
    """Add a layer (skipped when empty), shifted for display, tooltips translated.

    ``labels`` names tooltip fields the label table does not know (e.g. per-layer id columns).
    """
    drawing.draw(m, gdf, name, color, fields, setup=setup(ctx, basemap=False), lang=ctx.lang, labels=labels,
                 **style)


def geojson(ctx: PageContext, gdf: gpd.GeoDataFrame, color: str, fields: Sequence[str] = (), *,
            fill_color: str | None = None, fill_opacity: float = 0.15, weight: float = 2.0,
            dash_array: str | None = None, interactive: bool = True) -> folium.GeoJson | None:
    """One GeoJSON layer (shifted for display, tooltips translated) to put in a feature group of
    the page's own (e.g. the ``feature_group`` of :func:`show`); None when ``gdf`` is empty."""
    return drawing.feature(gdf, color, fields, setup=setup(ctx, basemap=False), lang=ctx.lang, fill_color=fill_color,
                           fill_opacity=fill_opacity, weight=weight, dash_array=dash_array, interactive=interactive)


#: The map's own assets the pages need: Leaflet. folium also lists jQuery, Bootstrap, Font Awesome
#: and awesome-markers for features the pages do not use (no icon markers, no popups with
#: Bootstrap); skipping them saves the browser ~1 MB of scripts and styles per map.
KEEP_MAP_ASSETS = ("leaflet", "leaflet_css")


def lean_assets(m: folium.Map) -> folium.Map:
    """Limit the map's own script/style links (instance attributes, which streamlit-folium reads)
    to Leaflet; plugins added to the map keep theirs."""
    m.default_js = [(n, u) for n, u in type(m).default_js if n in KEEP_MAP_ASSETS]
    m.default_css = [(n, u) for n, u in type(m).default_css if n in KEEP_MAP_ASSETS]
    return m


@dataclass(frozen=True)
class Prepared:
    """A map made ready for the browser once (what ``st_folium`` derives from a map on every run)."""

    script: str
    header: str
    html: str
    map_id: str
    bounds: list
    zoom: object
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    component_key: str


def _links(element) -> tuple[list[str], list[str]]:
    """The script and style links an element and its children declare (as ``st_folium`` collects them)."""
    css: list[str] = []
    js: list[str] = []
    stack = [element]
    while stack:
        e = stack.pop(0)
        css.extend(href for _, href in getattr(e, "default_css", []))
        js.extend(src for _, src in getattr(e, "default_js", []))
        stack.extend(getattr(e, "_children", {}).values())
    return css, js


def _prepare(m: folium.Map, key: str) -> Prepared:
    """Render the map and derive the component's arguments, with streamlit-folium's own functions."""
    m.get_root().render()
    m.render()
    html, header = sf._get_html(m), sf._get_header(m)
    script = sf._get_map_string(m)
    css, js = _links(m)
    return Prepared(script=script, header=header, html=html, map_id=sf.get_full_id(m), bounds=m.get_bounds(),
                    zoom=m.options.get("zoom"), css_links=tuple(dict.fromkeys(css)), js_links=tuple(dict.fromkeys(js)),
                    component_key=sf.generate_js_hash(script, key, False))


@st.cache_resource(show_spinner=False, max_entries=48)
def _prepared(cache_key: str, key: str, _build: Callable[[], folium.Map]) -> Prepared:
    """The prepared map of ``cache_key`` (shared across reruns and sessions; never modified)."""
    return _prepare(_build(), key)


#: streamlit-folium's internals the cached path calls; without them (another version) maps are
#: sent the plain way, every run.
_FAST_PATH = all(hasattr(sf, n) for n in ("_component_func", "_get_html", "_get_header", "_get_map_string",
                                           "get_full_id", "generate_js_hash", "_get_feature_group_string"))


def register_component() -> None:
    """Make sure the running server serves streamlit-folium's component (a no-op outside a server).

    streamlit-folium declares its component when first imported, and Streamlit registers a
    declared component only when that import happens inside a script run. The server's warm-up
    thread imports this module before any script run; it calls this so that the browser gets the
    component rather than "Component not found".
    """
    from streamlit import runtime

    if not runtime.exists():
        return
    registry = runtime.get_instance().component_registry
    component = sf._component_func
    if registry.get_component(component.name) is None:
        registry.register_component(component)


def send_component(page_key: str, **args) -> dict | None:
    """Where a prepared map reaches the browser (streamlit-folium's component). ``page_key`` is the
    page's name for the map; tests replace this function to inject what a user does on a map."""
    return sf._component_func(**args)


def _data_key(ctx: PageContext) -> str:
    """The dataset's key, "" without one (the city page draws run results, not the open project's inputs)."""
    return ctx.dataset.key if ctx.dataset is not None else ""


def _finish(m: folium.Map, ctx: PageContext, key: str) -> folium.Map:
    lean_assets(m)
    view = hashlib.sha1(f"{_data_key(ctx)}|{ctx.maps.display_system}".encode()).hexdigest()[:10]
    KeepView(f"gridmap-view:{key}:{view}").add_to(m)
    return m


def prepare(m: folium.Map | Callable[[], folium.Map], ctx: PageContext, key: str, cache: tuple) -> Prepared:
    """The map of ``key`` made ready for the browser, built only when no session has built it yet.

    What :func:`show` sends with ``cache``; the server's warm-up calls it (through the pages'
    ``warm`` functions) so that the first visit after a restart finds the map prepared.
    """
    def build() -> folium.Map:
        return _finish(m() if callable(m) else m, ctx, key)

    settings = (_data_key(ctx), ctx.lang, ctx.maps.display_system, ctx.maps.tiles_url)
    return _prepared(repr((key, settings, cache)), key, build)


def show(m: folium.Map | Callable[[], folium.Map], ctx: PageContext, key: str, *, cache: tuple | None = None,
         returned_objects: Sequence[str] = (), height: int = MAP_HEIGHT,
         feature_group: folium.FeatureGroup | None = None, on_change: Callable[[], None] | None = None) -> dict:
    """Send the map to the browser; return what ``returned_objects`` asks for.

    ``m`` is the map or a function building it. With ``cache`` (a tuple naming everything the map
    depends on besides the dataset, language and map settings) the map is built, rendered and
    turned into the component's arguments once, and later runs — of any session — send the same
    arguments without building anything: building and rendering a map with the demo's layers
    takes about a second, which a page would otherwise spend on every rerun.

    ``feature_group`` is drawn on top and replaced in place on a rerun (the map is not rebuilt,
    so it keeps its position and drawing tools); ``on_change`` runs before the rerun a map
    interaction triggers, with the returned objects in ``st.session_state[key]``.
    """
    if cache is None or not _FAST_PATH:
        return st_folium(_finish(m() if callable(m) else m, ctx, key), key=key, height=height,
                         use_container_width=True, returned_objects=list(returned_objects),
                         feature_group_to_add=feature_group, on_change=on_change) or {}
    p = prepare(m, ctx, key, cache)
    css, js = list(p.css_links), list(p.js_links)
    group_script = None
    if feature_group is not None:
        # a stand-in map to attach the group to: its variable name becomes "map_div", as the real one
        group_script = sf._get_feature_group_string(feature_group, map=folium.Map(tiles=None), idx=0)
        more_css, more_js = _links(feature_group)
        css, js = list(dict.fromkeys(css + more_css)), list(dict.fromkeys(js + more_js))
    south_west, north_east = p.bounds
    defaults = {"last_clicked": None, "last_object_clicked": None, "last_object_clicked_count": None,
                "last_object_clicked_tooltip": None, "last_object_clicked_popup": None, "all_drawings": None,
                "last_active_drawing": None,
                "bounds": {"_southWest": {"lat": south_west[0], "lng": south_west[1]},
                           "_northEast": {"lat": north_east[0], "lng": north_east[1]}},
                "zoom": p.zoom, "last_circle_radius": None, "last_circle_polygon": None, "selected_layers": None,
                "selected_tags": None, "last_geocoder_result": None}
    wanted = list(returned_objects)

    def changed() -> None:
        st.session_state[key] = st.session_state.get(p.component_key, {})
        if on_change is not None:
            on_change()

    return send_component(
        key, script=p.script, header=p.header, html=p.html, id=p.map_id, key=p.component_key, height=height, width=None,
        returned_objects=wanted, default={k: v for k, v in defaults.items() if k in wanted}, zoom=None, center=None,
        feature_group=group_script, return_on_hover=False, layer_control=None, pixelated=False, css_links=css,
        js_links=js, on_change=changed, wrap_longitude=False) or {}


def section(ctx: PageContext, help_key: str, m: folium.Map | Callable[[], folium.Map], key: str,
            **show_args) -> dict | None:
    """A page's map with its help line above and the data attribution below (:func:`show`'s
    arguments); None, with an error saying how to install them, when the map assets are missing."""
    if not maps.VENDOR_DIR.is_dir():
        st.error(t("assets_missing", ctx.lang))
        return None
    st.caption(t(help_key, ctx.lang))
    out = show(m, ctx, key, **show_args)
    st.caption(t("attribution", ctx.lang))
    return out
