"""The user's own files on the Data page: upload, map columns, check, build a Dataset.

Files are read through :mod:`gridmap.io.files` (GeoJSON, GeoPackage, zipped Shapefile; zips are
extracted safely or refused; residents and centres also as CSV or Excel tables with coordinate
columns, :mod:`gridmap.io.tables`) and checked by :func:`gridmap.io.files.load_layer`; every problem is shown
with its row number and id. Nothing is kept on disk beyond the session's temporary folder.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import streamlit as st

from gridmap.analysis.mosaic import LAYER_KEY
from gridmap.app.context import UPLOAD_STATE, Dataset
from gridmap.app.i18n import t
from gridmap.io.files import MAX_ZIP_BYTES, MAX_ZIP_FILES, list_layers, load_layer, read_layer
from gridmap.io.tables import is_table, table_columns
from gridmap.io.validate import KINDS, SPECIAL_GROUPS, LayerError, ValidationReport
from gridmap.vocab import render

__all__ = ["render_uploads", "problems_table", "UploadedLayer", "build_dataset", "LAYER_TYPES", "POINT_TYPES"]

LAYER_TYPES = ["geojson", "json", "gpkg", "zip"]
#: Residents and centres may also be office tables with coordinate columns.
POINT_TYPES = [*LAYER_TYPES, "csv", "xlsx", "xlsm", "tsv", "txt"]
#: Mapping targets that name a table's coordinate columns (lon/lat, or x/y with a CRS).
COORDINATE_TARGETS = ("lon", "lat", "x", "y")
OSM_TYPES = ["osm", "xml"]
_UPLOAD_DIR = Path(tempfile.gettempdir()) / "gridmap-uploads"
_NOT_MAPPED = ""

#: Columns offered for mapping per kind: the required ones, then the optional counts.
MAPPABLE: dict[str, tuple[str, ...]] = {
    "study_area": KINDS["study_area"].required,
    "zones": KINDS["zones"].required,
    "residents": (*KINDS["residents"].required, *SPECIAL_GROUPS),
    "centers": (*KINDS["centers"].required, "kind", "capacity", "services"),
}


@dataclass(frozen=True)
class UploadedLayer:
    """One uploaded file, saved under the session's temporary folder by content hash; a table's
    sheet, CRS and web-map source when they are chosen for this file alone."""

    name: str  # file name as uploaded
    path: Path
    sha: str
    layer: str | None = None
    crs: str | None = None
    source: str | None = None


def _save(file) -> UploadedLayer:
    data = file.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    folder = _UPLOAD_DIR / sha[:16]
    folder.mkdir(parents=True, exist_ok=True)
    double = file.name.lower().endswith(".osm.bz2")
    suffix = "".join(Path(file.name).suffixes[-2:]) if double else Path(file.name).suffix
    path = folder / f"upload{suffix.lower()}"
    if not path.is_file():
        path.write_bytes(data)
    return UploadedLayer(file.name, path, sha)


@st.cache_data(show_spinner=False, max_entries=64)
def _columns(path: str, sha: str, layer: str | None = None) -> list[str]:
    """The attribute columns of a file (empty when it cannot be read: the check reports why); a
    table's whole header, coordinate columns included, so they can be mapped."""
    try:
        if is_table(path):
            return table_columns(Path(path), layer)
        gdf = read_layer(Path(path), layer)
    except Exception:  # noqa: BLE001 - load_layer reports the reason when the user applies the files
        return []
    return [str(c) for c in gdf.columns if c != gdf.geometry.name]


@st.cache_data(show_spinner=False, max_entries=64)
def _sheets(path: str, sha: str) -> tuple[list[str], list[str]]:
    """(sheets of a workbook, those with coordinate columns); empty when unreadable."""
    try:
        layers = list_layers(Path(path))
    except Exception:  # noqa: BLE001 - the check reports why
        return [], []
    return [str(n) for n in layers["name"]], [str(n) for n in layers.loc[layers["geometry_type"].notna(), "name"]]


def layer_name(stem: str) -> str:
    """A zone layer name from a file name: letters, digits and _ (it prefixes column names)."""
    name = re.sub(r"\W+", "_", Path(stem).stem).strip("_")
    if not name or not LAYER_KEY.match(name):
        name = f"layer_{name}" if name else "layer"
    return name


def problems_table(report: ValidationReport, lang: str) -> pd.DataFrame:
    """One row per problem, in plain words, with the row number and id: for st.dataframe."""
    sev = {"error": t("sev_error", lang), "repaired": t("sev_repaired", lang), "warning": t("sev_warning", lang)}
    return pd.DataFrame(
        [
            {
                t("col_severity", lang): sev.get(p.severity, p.severity),
                t("col_row", lang): p.row,
                t("col_feature_id", lang): p.feature_id,
                t("col_column", lang): p.column,
                t("col_message", lang): render(p.message, lang),
            }
            for p in report.problems
        ],
        columns=[t(k, lang) for k in ("col_severity", "col_row", "col_feature_id", "col_column", "col_message")],
    )


def _problem_lines(report: ValidationReport, lang: str, limit: int = 5) -> str:
    """The first errors as a Markdown list: "row 3 (id Z1), column 'zone_id': …"."""
    sep = "，" if lang == "zh" else ", "
    lines = []
    for p in report.errors[:limit]:
        parts = []
        if p.row is not None:
            parts.append(t("where_row", lang, row=p.row))
        if p.feature_id:
            parts.append(t("where_id", lang, id=p.feature_id))
        if p.column:
            parts.append(t("where_column", lang, column=p.column))
        message = render(p.message, lang)
        lines.append(f"- {sep.join(parts)}{t('colon', lang)}{message}" if parts else f"- {message}")
    if len(report.errors) > limit:
        lines.append("- " + t("more_problems", lang, n=len(report.errors) - limit))
    return "\n".join(lines)


def build_dataset(study: tuple[UploadedLayer, dict], zones: list[tuple[str, UploadedLayer, dict]],
                  residents: tuple[UploadedLayer, dict] | None, centers: tuple[UploadedLayer, dict] | None,
                  osm: UploadedLayer | None, crs: str | None, source: str | None
                  ) -> tuple[Dataset | None, list[tuple[str, Exception]]]:
    """Check every file with :func:`gridmap.io.files.load_layer`; a Dataset, or the failures per file."""
    failures: list[tuple[str, Exception]] = []
    reports: list[ValidationReport] = []
    loaded: dict[str, object] = {}
    jobs = [("study_area", "study_area", *study)]
    jobs += [(f"zones:{name}", "zones", up, cmap) for name, up, cmap in zones]
    if residents:
        jobs.append(("residents", "residents", *residents))
    if centers:
        jobs.append(("centers", "centers", *centers))
    for slot, kind, up, cmap in jobs:
        file_source = up.source or source
        try:
            gdf, report = load_layer(up.path, kind, up.layer, crs=up.crs or crs or None,
                                     source=None if file_source in (None, "", "wgs84") else file_source,
                                     column_map={k: v for k, v in cmap.items() if v and v != k} or None)
        except LayerError as exc:
            failures.append((up.name, exc))
            continue
        except Exception as exc:  # noqa: BLE001 - unreadable file: say which and why
            failures.append((up.name, LayerError("err_app_upload_unreadable", name=up.name, kind=type(exc).__name__,
                                                 detail=exc)))
            continue
        report.source = up.name
        reports.append(report)
        loaded[slot] = gdf
    if failures:
        return None, failures
    ident = hashlib.sha256(repr((
        [(s, up.sha, up.layer, up.crs, up.source, sorted(c.items())) for s, _, up, c in jobs], osm.sha if osm else None,
        crs, source,
    )).encode()).hexdigest()[:16]
    ds = Dataset(
        key=f"upload:{ident}",
        source="upload",
        zones={slot.split(":", 1)[1]: gdf for slot, gdf in loaded.items() if slot.startswith("zones:")},
        study_area=loaded["study_area"],
        residents=loaded.get("residents"),
        centers=loaded.get("centers"),
        osm_path=osm.path if osm else None,
        reports=tuple(reports),
    )
    return ds, []


def _table_options(up: UploadedLayer, lang: str, key: str) -> UploadedLayer:
    """For a CSV/Excel upload: its sheet (a workbook with several), and the CRS and web-map source
    of its coordinates, for this file alone."""
    if not is_table(up.path):
        return up
    sheets, with_xy = _sheets(str(up.path), up.sha)
    layer = None
    if len(sheets) > 1:
        default = with_xy[0] if len(with_xy) == 1 else sheets[0]
        layer = st.selectbox(t("table_sheet", lang, file=up.name), sheets, index=sheets.index(default),
                             key=f"{key}:sheet")
    crs = st.text_input(t("table_crs", lang, file=up.name), key=f"{key}:crs", placeholder="EPSG:4547",
                        help=t("table_crs_help", lang)).strip()
    source = st.selectbox(t("table_source", lang, file=up.name), ["", "wgs84", "gcj02", "bd09"], key=f"{key}:source",
                          format_func=lambda s: t("table_source_same", lang) if not s else t(f"source_{s}", lang))
    return replace(up, layer=layer, crs=crs or None, source=source or None)


def _mapping(up: UploadedLayer, kind: str, lang: str, key: str) -> dict[str, str]:
    """Column mapping widgets for one file: gridmap's column → the file's (a table's coordinate
    columns too)."""
    cols = _columns(str(up.path), up.sha, up.layer)
    table = is_table(up.path)
    wanted = MAPPABLE[kind] + (COORDINATE_TARGETS if table else ())
    folded = {c.strip().casefold(): c for c in cols}
    missing = [c for c in KINDS[kind].required if c not in cols and c.casefold() not in folded]
    mapping: dict[str, str] = {}
    with st.expander(t("mapping_title", lang, file=up.name), expanded=bool(missing and cols)):
        if not cols:
            st.caption(t("mapping_unreadable", lang))
            return mapping
        st.caption(t("mapping_help", lang) + (" " + t("mapping_help_table", lang) if table else ""))
        options = [_NOT_MAPPED, *cols]
        for target in wanted:
            default = target if target in cols else (folded.get(target) if target not in COORDINATE_TARGETS
                                                     else None) or _NOT_MAPPED
            label = f"{target} — {t('required', lang) if target in KINDS[kind].required else t('optional', lang)}"
            mapping[target] = st.selectbox(
                label, options, index=options.index(default), key=f"{key}:map:{target}",
                format_func=lambda c: t("not_mapped", lang) if c == _NOT_MAPPED else c,
            )
    return mapping


def _import_section(ctx, uploaded: Dataset) -> None:
    """Import the files tried in this session into a project of the workspace (rights checked by the store)."""
    from gridmap.app.account import PROJECT_NEXT_STATE, demo_project_name
    from gridmap.workspace import WorkspaceError

    lang = ctx.lang
    st.subheader(t("import_header", lang))
    default = ctx.project if ctx.project and ctx.project != demo_project_name() else ""
    name = st.text_input(t("import_project", lang), value=default, key="up_import_project").strip()
    if st.button(t("import_button", lang), key="up_import", disabled=not name):
        try:
            with st.spinner(t("checking", lang)):
                project = ctx.session.import_inputs(name, uploaded.layers(), uploaded.osm_path,
                                                    reports=uploaded.reports)
        except (WorkspaceError, LayerError) as exc:
            st.error(t("import_refused", lang, error=exc))
            return
        del st.session_state[UPLOAD_STATE]
        st.session_state[PROJECT_NEXT_STATE] = project.name
        st.session_state["up_imported"] = t("imported", lang, project=project.name, version=project.inputs_version)
        st.rerun()


def render_uploads(lang: str, ctx=None) -> None:
    """The "use your own files" section of the Data page (for those who may edit the project).

    The files are checked, then tried in this session (every page runs on them); "import" stores
    them as the inputs of a project of the workspace, for every session. ``ctx`` is the page's
    :class:`gridmap.app.context.PageContext` (None: no workspace, the files stay in the session).
    """
    if ctx is not None and not ctx.may_edit:
        st.caption(t("upload_viewer", lang))
        return
    if "up_imported" in st.session_state:
        st.success(st.session_state.pop("up_imported"))
    st.subheader(t("upload_header", lang))
    limit_mb = int(st.get_option("server.maxUploadSize"))
    st.info(t("upload_limits", lang, mb=limit_mb, zip_mb=MAX_ZIP_BYTES // (1024 * 1024), zip_files=MAX_ZIP_FILES))
    uploaded = st.session_state.get(UPLOAD_STATE)
    if uploaded is not None:
        st.success(t("upload_in_use", lang))
        if st.button(t("back_to_demo", lang), key="back_to_demo"):
            del st.session_state[UPLOAD_STATE]
            st.rerun()
        if ctx is not None and ctx.session is not None:
            _import_section(ctx, uploaded)

    c1, c2 = st.columns(2)
    with c1:
        study_file = st.file_uploader(t("up_study_area", lang), type=LAYER_TYPES, key="up_study_area")
        zone_files = st.file_uploader(t("up_zones", lang), type=LAYER_TYPES, key="up_zones", accept_multiple_files=True)
        osm_file = st.file_uploader(t("up_osm", lang), type=OSM_TYPES, key="up_osm")
    with c2:
        resident_file = st.file_uploader(t("up_residents", lang), type=POINT_TYPES, key="up_residents")
        center_file = st.file_uploader(t("up_centers", lang), type=POINT_TYPES, key="up_centers")
        crs = st.text_input(t("up_crs", lang), key="up_crs", placeholder="EPSG:4490", help=t("up_crs_help", lang))
        source = st.selectbox(t("up_source", lang), ["wgs84", "gcj02", "bd09"], key="up_source",
                              format_func=lambda s: t(f"source_{s}", lang))

    study = _save(study_file) if study_file else None
    zones_up = [_save(f) for f in (zone_files or [])]
    residents = _save(resident_file) if resident_file else None
    centers = _save(center_file) if center_file else None
    osm = _save(osm_file) if osm_file else None

    study_map = _mapping(study, "study_area", lang, "map_study") if study else {}
    zone_specs: list[tuple[str, UploadedLayer, dict]] = []
    for i, up in enumerate(zones_up):
        name = st.text_input(t("zone_name", lang, file=up.name), value=layer_name(up.name),
                             key=f"zone_name_{i}_{up.sha[:8]}")
        zone_specs.append((name.strip(), up, _mapping(up, "zones", lang, f"map_zone_{i}_{up.sha[:8]}")))
    residents = _table_options(residents, lang, "table_residents") if residents else None
    centers = _table_options(centers, lang, "table_centers") if centers else None
    res_map = _mapping(residents, "residents", lang, "map_residents") if residents else {}
    cen_map = _mapping(centers, "centers", lang, "map_centers") if centers else {}

    ready = study is not None and bool(zone_specs)
    if not ready:
        st.caption(t("upload_need", lang))
    if st.button(t("use_files", lang), key="use_files", type="primary", disabled=not ready) and study is not None:
        names = [n for n, _, _ in zone_specs]
        bad = [n for n in names if not LAYER_KEY.match(n)]
        if bad or len(set(names)) != len(names):
            st.error(t("zone_name_bad", lang, names=", ".join(bad or names)))
            return
        with st.spinner(t("checking", lang)):
            ds, failures = build_dataset((study, study_map), zone_specs,
                                         (residents, res_map) if residents else None,
                                         (centers, cen_map) if centers else None, osm, crs.strip(), source)
        if failures:
            for name, exc in failures:
                report = getattr(exc, "report", None)
                if report is not None and report.errors:
                    st.error(t("upload_invalid", lang, file=name, n=len(report.errors)) + "\n\n"
                             + _problem_lines(report, lang))
                    st.dataframe(problems_table(report, lang), hide_index=True, width="stretch")
                else:
                    st.error(t("upload_unreadable", lang, file=name, error=str(exc)))
            return
        st.session_state[UPLOAD_STATE] = ds
        st.rerun()
