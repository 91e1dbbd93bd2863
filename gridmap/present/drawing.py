"""Drawing analysis layers on an offline map, the same way for every face (CLI, app, report).

The map builders (:mod:`~gridmap.present.coverage_map`, :mod:`~gridmap.present.access_map`,
:mod:`~gridmap.present.siting_map`, :mod:`~gridmap.present.plan_map`) draw through these three
functions; what differs between faces is only the :class:`MapSetup`:

* the command line writes files in WGS84 with no tile server (the default setup);
* the app may show intranet tiles, and data shifted to GCJ-02 when those tiles are 高德/腾讯
  (:func:`gridmap.present.views.for_display` — display only), with the dataset's lightened basemap;
* the HTML report composes several builders on one map.

:func:`new_map` makes the map, :func:`draw` adds a togglable layer (skipped when empty; tooltip
columns named by :func:`gridmap.present.map_labels.field_label`), :func:`feature` makes one GeoJSON
layer for a group the caller keeps (the app swaps such a group in place without rebuilding the map).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import folium
import geopandas as gpd
from branca.element import MacroElement
from jinja2 import Template

from gridmap.present import maps
from gridmap.present.map_labels import field_label, text
from gridmap.present.views import for_display

__all__ = ["MapSetup", "new_map", "draw", "feature", "tooltip", "ClassLegend"]


@dataclass(frozen=True, eq=False)
class MapSetup:
    """What a map is drawn on, besides the analysis: tiles, vector basemap, display coordinates.

    Attributes
    ----------
    tiles_url : XYZ template of an intranet tile server (``None``: no tiles, Leaflet's grey).
    display_system : ``None``/``"wgs84"``, or ``"gcj02"`` to shift every layer onto 高德/腾讯
        tiles (display only: what is clicked is shifted back by the caller).
    streets, buildings : the vector basemap (any CRS), drawn under the analysis layers.
    """

    tiles_url: str | None = None
    display_system: str | None = None
    streets: gpd.GeoDataFrame | None = None
    buildings: gpd.GeoDataFrame | None = None


def new_map(bounds: gpd.GeoDataFrame, setup: MapSetup = MapSetup(), lang: str = "zh") -> folium.Map:
    """An offline map fitted to ``bounds``, with the setup's tiles and vector basemap."""
    system = setup.display_system
    m = maps.base_map(for_display(bounds, system), tiles_url=setup.tiles_url or None)
    if setup.streets is not None or setup.buildings is not None:
        maps.vector_basemap(
            m,
            streets_gdf=for_display(setup.streets, system) if setup.streets is not None else None,
            buildings_gdf=for_display(setup.buildings, system) if setup.buildings is not None else None,
            streets_name=text("layer_streets", lang),
            buildings_name=text("layer_buildings", lang),
        )
    return m


def tooltip(gdf: gpd.GeoDataFrame, fields: Sequence[str], lang: str,
            labels: Mapping[str, str] | None = None) -> tuple[list[str], list[str]]:
    """The tooltip columns of a layer (those present with a value somewhere) and their names
    (``labels`` first, then :func:`~gridmap.present.map_labels.field_label`)."""
    present = [f for f in fields if f in gdf.columns and gdf[f].notna().any()]
    return present, [(labels or {}).get(f) or field_label(f, lang) for f in present]


def draw(m: folium.Map, gdf: gpd.GeoDataFrame | None, name: str, color: str, fields: Sequence[str] = (), *,
         setup: MapSetup = MapSetup(), lang: str = "zh", labels: Mapping[str, str] | None = None,
         **style) -> folium.FeatureGroup | None:
    """Add a layer to ``m`` (nothing when ``gdf`` is missing or empty), shifted for display.

    ``fields`` are the tooltip columns (those absent or all empty are left out); ``labels`` names
    columns the label table does not know (e.g. per-layer id columns). ``style`` goes to
    :func:`gridmap.present.maps.add_layer` (``fill_color``, ``fill_opacity``, ``weight``,
    ``dash_array``, ``show``, ``point_radius``). Returns the layer's group, or None.
    """
    if gdf is None or gdf.empty:
        return None
    present, names = tooltip(gdf, fields, lang, labels)
    return maps.add_layer(m, for_display(gdf, setup.display_system), name, color, present, tooltip_aliases=names,
                          **style)


def feature(gdf: gpd.GeoDataFrame | None, color: str, fields: Sequence[str] = (), *, setup: MapSetup = MapSetup(),
            lang: str = "zh", fill_color: str | None = None, fill_opacity: float = 0.15, weight: float = 2.0,
            dash_array: str | None = None, interactive: bool = True) -> folium.GeoJson | None:
    """One GeoJSON layer (shifted for display, tooltips named) to put in a group of the caller's;
    None when ``gdf`` is missing or empty."""
    if gdf is None or gdf.empty:
        return None
    present = [f for f in fields if f in gdf.columns]
    data = maps.to_web(for_display(gdf, setup.display_system), present)
    style = {"color": color, "weight": weight, "fillColor": fill_color or color, "fillOpacity": fill_opacity,
             "opacity": 0.9}
    if dash_array:
        style["dashArray"] = dash_array
    tip = (folium.GeoJsonTooltip(fields=present, aliases=[field_label(f, lang) for f in present], localize=True,
                                 sticky=True) if present and interactive else None)
    return folium.GeoJson(maps.geo_dict(data), style_function=lambda _f, s=style: s,
                          tooltip=tip, interactive=interactive, embed=True)


class ClassLegend(MacroElement):
    """A legend box on the map: one block per layer, a colour swatch and a label per class.

    The choropleths of the city page and of the staffing section share it, so their legends look
    alike and the page tests find them by the class ``gridmap-legend``.

    Parameters
    ----------
    blocks : ``(title, colours, labels)`` per layer; a class with an empty label is left out.
    position : a Leaflet control corner (``"bottomleft"``, ``"bottomright"``…).
    css_class : extra class names of the box, besides ``gridmap-legend``.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
(function (map) {
    var box = L.control({position: {{ this.position|tojson }}});
    box.onAdd = function () {
        var d = L.DomUtil.create("div", {{ this.css_class|tojson }});
        d.style.cssText = "background:#fff;padding:6px 8px;font:12px sans-serif;border-radius:4px;";
        d.innerHTML = {{ this.html|tojson }};
        return d;
    };
    box.addTo(map);
})({{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(self, blocks: Sequence[tuple[str, Sequence[str], Sequence[str]]], *, position: str = "bottomright",
                 css_class: str = "") -> None:
        super().__init__()
        self._name = "ClassLegend"
        self.position = position
        self.css_class = " ".join(["gridmap-legend", *css_class.split()])
        parts = []
        for title, colors, labels in blocks:
            rows = "".join(f'<div><span style="display:inline-block;width:14px;height:10px;background:{c};'
                           f'border:1px solid #999;margin-right:4px"></span>{label}</div>'
                           for c, label in zip(colors, labels, strict=True) if label)
            parts.append(f"<b>{title}</b>{rows}")
        self.html = "<br>".join(parts)
