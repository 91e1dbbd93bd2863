"""User-facing strings of the app in Chinese (default) and English.

Every label on every page goes through :func:`t`; a key missing from a language falls back to
Chinese, and a key missing altogether raises ``KeyError`` (tests catch typos). This module does not
import streamlit, so it can be tested and reused on its own.
"""

from __future__ import annotations

__all__ = ["LANGUAGES", "DEFAULT_LANGUAGE", "TEXT", "t", "layer_label"]

#: Language code → name shown in the language switch.
LANGUAGES: dict[str, str] = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"

TEXT: dict[str, dict[str, str]] = {
    "app_title": {"zh": "网格化管理规划", "en": "Grid planning for grassroots governance"},
    "app_caption": {
        "zh": "多网合一 · 覆盖 · 可达性 · 网格编辑（离线运行，无需互联网）",
        "en": "Unified grids · coverage · walking access · grid editing (runs offline, no internet needed)",
    },
    "language": {"zh": "语言 / Language", "en": "语言 / Language"},
    "page": {"zh": "页面", "en": "Page"},
    "page_data": {"zh": "数据", "en": "Data"},
    "data_header": {"zh": "数据概览", "en": "Data overview"},
    "data_intro": {
        "zh": "内置演示数据（南京新街口，OpenStreetMap）各图层的要素数量、坐标系和几何类型。",
        "en": "Feature count, coordinate reference system and geometry type of each layer of the "
        "embedded demo (Nanjing Xinjiekou, OpenStreetMap).",
    },
    "col_layer": {"zh": "图层", "en": "Layer"},
    "col_key": {"zh": "图层键", "en": "Key"},
    "col_count": {"zh": "要素数", "en": "Features"},
    "col_crs": {"zh": "坐标系", "en": "CRS"},
    "col_geom": {"zh": "几何类型", "en": "Geometry type"},
    "no_crs": {"zh": "未设置", "en": "not set"},
    "map_header": {"zh": "地图", "en": "Map"},
    "map_help": {
        "zh": "右上角可开关各图层。底图为街道和建筑矢量（无需瓦片服务）。",
        "en": "Switch layers on and off at the top right. The basemap is vector streets and "
        "buildings (no tile server needed).",
    },
    "demo_missing": {
        "zh": "未找到演示数据：{error}。请先生成 data/demo.gpkg（见 README）。",
        "en": "Demo data not found: {error}. Build data/demo.gpkg first (see the README).",
    },
    "demo_failed": {
        "zh": "读取演示数据失败：{error}",
        "en": "Could not read the demo data: {error}",
    },
    "assets_missing": {
        "zh": "离线地图资源未安装，地图无法显示。请运行 bash scripts/install_assets.sh。",
        "en": "The offline map assets are not installed, so the map cannot show. Run "
        "bash scripts/install_assets.sh.",
    },
    "attribution": {
        "zh": "地图数据 © OpenStreetMap 贡献者（ODbL 许可）。行政区界线仅供参考。",
        "en": "Map data © OpenStreetMap contributors (ODbL). District boundaries are for reference only.",
    },
    # layer names
    "layer_study_area": {"zh": "辖区（社区）", "en": "Study area (communities)"},
    "layer_residents": {"zh": "居民建筑", "en": "Residential buildings"},
    "layer_centers": {"zh": "党群服务中心", "en": "Service centres"},
    "layer_zones_party": {"zh": "党建网格", "en": "Party-building grid"},
    "layer_zones_security": {"zh": "综治网格", "en": "Comprehensive-governance grid"},
    "layer_zones_urban": {"zh": "城管网格", "en": "Urban-management grid"},
    "layer_districts": {"zh": "行政区（参考）", "en": "Districts (reference)"},
    "layer_streets": {"zh": "街道", "en": "Streets"},
    "layer_buildings": {"zh": "建筑", "en": "Buildings"},
    # attribute names shown in tooltips
    "field_name": {"zh": "名称", "en": "Name"},
    "field_area_id": {"zh": "辖区编号", "en": "Area ID"},
    "field_zone_id": {"zh": "网格编号", "en": "Zone ID"},
    "field_center_id": {"zh": "中心编号", "en": "Centre ID"},
    "field_kind": {"zh": "类型", "en": "Kind"},
    "field_households": {"zh": "户数", "en": "Households"},
    "field_population": {"zh": "人口", "en": "Population"},
    "field_elderly_alone": {"zh": "独居老人", "en": "Elderly living alone"},
    "field_left_behind_children": {"zh": "留守儿童", "en": "Left-behind children"},
    "field_disabled": {"zh": "残疾人", "en": "People with disabilities"},
}


def t(key: str, lang: str = DEFAULT_LANGUAGE, **fmt: object) -> str:
    """The text for ``key`` in ``lang`` (falls back to Chinese), formatted with ``fmt``.

    Raises
    ------
    KeyError
        If ``key`` is unknown.
    """
    entry = TEXT[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**fmt) if fmt else text


def layer_label(layer_key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """Display name of a demo layer; unknown layers show their key."""
    key = f"layer_{layer_key}"
    return t(key, lang) if key in TEXT else layer_key
