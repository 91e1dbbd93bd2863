"""The 台账 HTML report: key figures and one offline map (see :mod:`gridmap.present.report`)."""

from __future__ import annotations

import html as html_lib

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.errors import GridmapError
from gridmap.present.access_map import access_map
from gridmap.present.coverage_map import coverage_map
from gridmap.present.drawing import MapSetup, new_map
from gridmap.present.plan_map import plan_grids, plan_map
from gridmap.present.report.gather import Report
from gridmap.present.report.labels import LANGS, SECTIONS, SHEETS, header, layer_label, text, translate_values
from gridmap.present.siting_map import siting_map

__all__ = ["report_html"]


def _light_faces(faces: gpd.GeoDataFrame, tolerance_m: float = 1.0) -> gpd.GeoDataFrame:
    """Mosaic faces inside the study area dissolved by number of systems, simplified (for the map)."""
    inside = faces[faces["in_study_area"]] if "in_study_area" in faces else faces
    cols = [c for c in ("households",) if c in inside.columns]
    agg = inside[["n_layers", *cols, "area_m2", inside.geometry.name]]
    merged = agg.dissolve(by="n_layers", aggfunc="sum", as_index=False)
    merged["geometry"] = shapely.simplify(merged.geometry.to_numpy(), tolerance_m, preserve_topology=True)
    merged["in_study_area"] = True
    return merged


def _report_map(rep: Report, lang: str):
    """One map of everything the report has: coverage (when computed), the grids by band status,
    residents by life circle (points; those within a circle off at first), centres, proposed sites —
    the core's map builders drawn on one map."""
    streets = rep.streets[["geometry"]] if rep.streets is not None else None
    setup = MapSetup(streets=streets)
    if rep.faces is not None and rep.coverage is not None:
        m = coverage_map(_light_faces(rep.faces), rep.coverage, rep.study_area, lang=lang, setup=setup)
    else:
        m = new_map(rep.grids_geo, setup, lang)
    plan_map(plan_grids(rep.plan, lang), lang=lang, fill_opacity=0.0, tolerance_m=2.0, m=m)
    if rep.access is not None:
        access_map(rep.access, lang=lang, resident_points=True, show_within=False, m=m)
    if rep.sites_geo is not None and len(rep.sites_geo):
        siting_map(rep.sites_geo, lang=lang, m=m)
    m.height = (72, "vh")
    return m


def _fmt(value, kind: str) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "—"
    if kind == "pct":
        return f"{100 * float(value):.1f}%"
    if kind == "int":
        return f"{int(value):,}"
    return str(value)


_CSS = """
html, body { height: auto !important; }
body { font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif;
       margin: 0; color: #222; }
.gm-report { padding: 12px 20px; }
.gm-report h1 { font-size: 22px; margin: 4px 0 2px; }
.gm-report h2 { font-size: 17px; margin: 16px 0 6px; border-bottom: 1px solid #ccc; }
.gm-meta { color: #555; font-size: 13px; }
.gm-cards { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }
.gm-card { border: 1px solid #d0d7de; border-radius: 6px; padding: 6px 10px; min-width: 150px; background: #f6f8fa; }
.gm-card .v { font-size: 20px; font-weight: bold; }
.gm-card .k { font-size: 12px; color: #555; }
.gm-card .n { font-size: 11px; color: #888; }
.gm-note { background: #fff8c5; border: 1px solid #d4a72c; padding: 6px 10px; margin: 4px 0; font-size: 13px; }
table.gm { border-collapse: collapse; font-size: 13px; margin: 4px 0 10px; }
table.gm th, table.gm td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: right; }
table.gm th { background: #ddebf7; }
table.gm td:first-child, table.gm th:first-child { text-align: left; }
.gm-foot { color: #777; font-size: 12px; padding: 8px 20px 16px; }
"""


def _html_table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html_lib.escape(str(c))}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{html_lib.escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    return f'<table class="gm"><tr>{head}</tr>{body}</table>'


def _header_html(rep: Report, lang: str) -> str:
    e = html_lib.escape
    f = rep.figures
    i = 0 if lang == "zh" else 1
    cards = [(text("n_grids", lang), _fmt(f["n_grids"], "int"), ""),
             (text("in_band", lang), _fmt(f["in_band"], "int"),
              f"{text('band', lang)} {f['band']}; {text('below', lang)} {f['below']}, "
              f"{text('above', lang)} {f['above']}"),
             (text("households_total", lang), _fmt(f["households_total"], "int"), "")]
    cov = f.get("coverage")
    if cov is not None:
        anyrow = cov.set_index("layer").loc["any"]
        cards.append((text("cov_area", lang, layer=layer_label("any", lang)), _fmt(anyrow["area_share"], "pct"), ""))
        if "households_share" in anyrow:
            cards.append((text("cov_hh", lang, layer=layer_label("any", lang)),
                          _fmt(anyrow["households_share"], "pct"), ""))
        cards.append((text("gap_hh", lang), _fmt(f.get("gap_hh"), "int"),
                       f"{text('gaps', lang)} {f['gaps']}"
                       + (f"; {text('slivers', lang, n=f['gap_slivers'], m=rep.sliver_m2)}"
                          if f["gap_slivers"] else "")))
        cards.append((text("overlaps", lang), _fmt(f["overlaps"], "int"),
                      text("slivers", lang, n=f["overlap_slivers"], m=rep.sliver_m2) if f["overlap_slivers"] else ""))
    if "within15" in f:
        cards.append((text("within15", lang), _fmt(f["within15"], "pct"), ""))
        cards.append((text("visit_people", lang), _fmt(f["visit_people"], "int"),
                      f"{text('visits', lang)} {f['visits']}"))
    if "sites" in f:
        cards.append((text("sites", lang), _fmt(f["sites"], "int"), ""))
        if "within15_after" in f:
            cards.append((text("within15_after", lang), _fmt(f["within15_after"], "pct"),
                          f"{_fmt(f.get('within15_before_sites'), 'pct')} → {_fmt(f['within15_after'], 'pct')}"))
    card_html = "".join(f'<div class="gm-card"><div class="k">{e(k)}</div><div class="v">{e(v)}</div>'
                        f'<div class="n">{e(n)}</div></div>' for k, v, n in cards)
    notes = "".join(f'<div class="gm-note">{e(SHEETS[lang][s])}: {e(rep.notes[s][i])}</div>'
                    for s in SECTIONS[1:] if s in rep.notes)
    plan = rep.plan
    meta = (f"{text('plan', lang)}: {plan.name or plan.plan_id} · {text('revision', lang)} {plan.revision} · "
            f"{text('made', lang)} {rep.made_at}")
    return (f'<div class="gm-report"><h1>{e(text("title", lang))}</h1><div class="gm-meta">{e(meta)}</div>'
            f'<h2>{e(text("key_figures", lang))}</h2><div class="gm-cards">{card_html}</div>{notes}'
            f'<h2>{e(text("map", lang))}</h2><div class="gm-meta">{e(text("legend", lang))}</div></div>')


def _tables_html(rep: Report, lang: str) -> str:
    e = html_lib.escape
    parts = []
    cov = rep.figures.get("coverage")
    if cov is not None:
        cols = ["layer", "area_share", *(["households_share"] if "households_share" in cov else [])]
        frame = pd.DataFrame({
            header("layer", lang): [layer_label(v, lang) for v in cov["layer"]],
            text("cov_area", lang, layer="").strip(" :"): [_fmt(v, "pct") for v in cov["area_share"]],
            **({text("cov_hh", lang, layer="").strip(" :"): [_fmt(v, "pct") for v in cov["households_share"]]}
               if "households_share" in cols else {})})
        parts.append(f"<h2>{e(text('coverage_table', lang))}</h2>{_html_table(frame)}")
    if "sites" in rep.tables and len(rep.tables["sites"]):
        t = rep.tables["sites"]
        cols = [c for c in ("rank", "street", "grid_code", "new_households", "covered_after") if c in t]
        frame = t[cols].copy()
        if "covered_after" in frame:
            frame["covered_after"] = [_fmt(v, "pct") for v in frame["covered_after"]]
        frame = frame.fillna("—").rename(columns={c: header(c, lang) for c in cols})
        parts.append(f"<h2>{e(text('proposed', lang))}</h2>{_html_table(frame)}")
    g = rep.tables["grids"]
    out = g[g["band_status"] != "within"]
    if len(out):
        cols = [c for c in ("grid_code", "community", "households", "band_status") if c in out]
        frame = translate_values(out[cols], lang).rename(columns={c: header(c, lang) for c in cols})
        parts.append(f"<h2>{e(text('grids_out', lang))} ({len(out)})</h2>{_html_table(frame)}")
    return f'<div class="gm-report">{"".join(parts)}</div><div class="gm-foot">{e(text("attribution", lang))}</div>'


def report_html(rep: Report, lang: str = "zh") -> str:
    """The HTML report: key figures, notes, one map with every layer, a few small tables — one page
    with every script, stylesheet and image inlined (opens offline from a file).

    Without the offline map assets (``static/vendor``), the page is made without the map and says so.
    """
    if lang not in LANGS:
        raise GridmapError("err_html_lang_must_one_got", langs=LANGS, lang=lang)
    from gridmap.present.maps import standalone_html

    top, bottom = _header_html(rep, lang), _tables_html(rep, lang)
    title = html_lib.escape(text("title", lang))
    try:
        page = standalone_html(_report_map(rep, lang))
    except Exception as exc:  # noqa: BLE001 - the figures are worth having without the map
        note = html_lib.escape(text("map_missing", lang, why=str(exc)))
        return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
                f'<style>{_CSS}</style></head><body>{top}<div class="gm-report"><div class="gm-note">{note}</div>'
                f'</div>{bottom}</body></html>')
    page = page.replace("<head>", f'<head><meta charset="utf-8"><title>{title}</title>', 1)
    page = page.replace("</head>", f"<style>{_CSS}</style></head>", 1)
    page = page.replace("<body>", f"<body>{top}", 1)
    page = page.replace("</body>", f"{bottom}</body>", 1)
    if lang == "zh":
        page = page.replace("<html>", '<html lang="zh">', 1)
    return page
