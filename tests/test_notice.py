"""The 公示 notices (``gridmap notice``): read back with poppler (pdfinfo, pdftotext, pdffonts,
pdfimages, pdftoppm) and Pillow, against expectations computed here from the plan, the tables and
the A4 size — not from the renderer."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from PIL import Image

from gridmap.cli import main
from gridmap.demo import DEMO_OSM, demo_zone_layers, load_demo
from gridmap.plans.grids import build_grids
from gridmap.plans.plan import Plan
from gridmap.plans.store import plan_sources, save_plan
from gridmap.plans.units import make_units
from gridmap.present import notice as nt
from gridmap.present.notice_inputs import (
    MicroGridError,
    StaffTableError,
    check_micro_grids,
    read_micro_grids,
    read_staff_table,
)

POPPLER = shutil.which("pdftotext") is not None
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed (bash scripts/setup.sh test)")

A4_PT = (210 / 25.4 * 72, 297 / 25.4 * 72)  # 595.276 × 841.890 pt
PHONE = "025-84201234"
#: a colour no basemap, label or frame uses: the test photos are filled with it
PHOTO_RGB = (203, 17, 161)


def _run(*args: str) -> int:
    return main(["notice", *args, "--quiet"])


def _pdftotext(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", *pages, str(path), "-"], capture_output=True, text=True, check=True).stdout


def _pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def _page_size(info: dict[str, str]) -> tuple[float, float]:
    w, h = re.match(r"([\d.]+) x ([\d.]+) pts", info["Page size"]).groups()
    return float(w), float(h)


# ------------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def demo():
    return load_demo()


@pytest.fixture(scope="module")
def plan(demo) -> Plan:
    units = make_units(demo_zone_layers(demo), demo["study_area"], demo["residents"])
    build = build_grids(units, 300, 500, seed=0, study_area=demo["study_area"])
    return Plan.from_build(units, build, min_households=300, max_households=500, name="demo")


@pytest.fixture(scope="module")
def grids(plan) -> gpd.GeoDataFrame:
    return plan.grids()


@pytest.fixture(scope="module")
def codes(grids) -> list[str]:
    """Three grids: A (staff with photos, micro grids), B (a 网格员 without photo), C (no staff)."""
    return sorted(grids["grid_code"])[:3]


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory, demo, plan) -> Path:
    path = tmp_path_factory.mktemp("plan") / "plan.gpkg"
    save_plan(plan, path, sources=plan_sources(study_area=demo["study_area"], residents=demo["residents"]))
    return path


def _photo(path: Path, size=(300, 400), rgb=PHOTO_RGB) -> Path:
    Image.new("RGB", size, rgb).save(path)
    return path


@pytest.fixture(scope="module")
def tables(tmp_path_factory, grids, codes) -> dict:
    """A staff CSV (photos beside it, one missing) and a micro-grid GeoPackage for grid A."""
    folder = tmp_path_factory.mktemp("staff")
    (folder / "photos").mkdir()
    _photo(folder / "photos" / "head.png")
    _photo(folder / "photos" / "worker.jpg")
    a, b, _ = codes
    staff = pd.DataFrame([
        {"staff_id": "S01", "name": "王建国", "phone": "13912345678", "role": "网格长", "grid_code": a,
         "photo": "photos/head.png"},
        {"staff_id": "S02", "name": "李晓红", "phone": "13800001111", "role": "网格员", "grid_code": a,
         "photo": "photos/worker.jpg"},
        {"staff_id": "S03", "name": "欧阳娜", "phone": "13700002222", "role": "网格员", "grid_code": b, "photo": ""},
        {"staff_id": "S04", "name": "赵四海", "phone": "13600003333", "role": "网格长", "grid_code": b,
         "photo": "photos/gone.jpg"},
    ])
    staff_csv = folder / "staff.csv"
    staff.to_csv(staff_csv, index=False, encoding="utf-8")
    geom = grids.set_index("grid_code").geometry[a]
    minx, miny, maxx, maxy = geom.bounds
    xs = np.linspace(minx, maxx, 4)
    pieces = [shapely.intersection(geom, shapely.box(xs[i], miny, xs[i + 1], maxy)) for i in range(3)]
    micro = gpd.GeoDataFrame({"micro_code": [f"{a}{i:02d}" for i in (1, 2, 3)], "grid_code": [a] * 3,
                              "households": [40, 55, 61], "building_head": ["钱楼长", "孙楼长", ""],
                              "building_head_phone": ["13500000001", "13500000002", ""]},
                             geometry=pieces, crs=grids.crs).to_crs(4326)
    micro_gpkg = folder / "micro.gpkg"
    micro.to_file(micro_gpkg, layer="micro", engine="pyogrio")
    return {"staff": staff, "staff_csv": staff_csv, "micro": micro, "micro_gpkg": micro_gpkg, "folder": folder}


@pytest.fixture(scope="module")
def cli_out(tmp_path_factory, plan_file, tables, codes) -> tuple[Path, int, str]:
    out = tmp_path_factory.mktemp("notices")
    with pytest.MonkeyPatch.context() as env:
        env.delenv("GRIDMAP_LANG", raising=False)  # the notices in the default language, Chinese (conftest sets en)
        status = main(["notice", "--plan", str(plan_file), "--osm", str(DEMO_OSM), "--staff",
                       str(tables["staff_csv"]), "--micro", f"{tables['micro_gpkg']}#micro", "--phone-supervision",
                       PHONE, "--grids", ",".join(codes), "--out", str(out), "--quiet"])
    return out, status, ""


def _grid_name(demo, grids, code: str) -> str:
    area_id = grids.set_index("grid_code").loc[code, "area_id"]
    community = demo["study_area"].set_index("area_id").loc[area_id, "name"]
    return f"{community}第{int(code[-3:])}网格"


# ------------------------------------------------------------------------------------------ the CLI


@pytest.mark.slow
@needs_poppler
def test_each_notice_is_one_a4_page_with_code_name_phone_and_figures(cli_out, codes, demo, grids, plan) -> None:
    out, status, _ = cli_out
    assert status == 0
    units = plan.units.assign(grid_code=plan.assignment()["grid_code"].to_numpy())
    population = units.groupby("grid_code")["population"].sum()
    households = units.groupby("grid_code")["households"].sum()
    for code in codes:
        pdf = out / f"notice_{code}.pdf"
        info = _pdfinfo(pdf)
        assert info["Pages"] == "1"
        w, h = _page_size(info)
        assert w == pytest.approx(A4_PT[0], abs=0.01) and h == pytest.approx(A4_PT[1], abs=0.01)
        text = _pdftotext(pdf)
        assert code in text
        assert _grid_name(demo, grids, code) in text
        assert "监督电话" in text and PHONE in text
        assert f"{int(households[code]):,} 户" in text
        assert f"{int(population[code]):,} 人" in text
        assert "© OpenStreetMap contributors, ODbL" in text


@pytest.mark.slow
@needs_poppler
def test_the_cjk_font_is_embedded_as_a_subset(cli_out, codes) -> None:
    from fontTools.ttLib import TTCollection, TTFont

    out, _, _ = cli_out
    font = nt.find_cjk_font()
    faces = TTCollection(str(font.path)).fonts if font.path.suffix == ".ttc" else [TTFont(str(font.path))]
    psname = str(faces[font.face]["name"].getDebugName(6)).replace(" ", "")
    listing = subprocess.run(["pdffonts", str(out / f"notice_{codes[0]}.pdf")], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    rows = [line.split() for line in listing]
    ours = [r for r in rows if r[0].endswith("+" + psname)]
    assert ours, listing
    # name, type (CID TrueType), encoding, emb, sub, uni: embedded, subset, with a Unicode map
    assert all(r[-5:-2] == ["yes", "yes", "yes"] for r in ours)
    assert all(r[0].split("+")[0].isupper() and len(r[0].split("+")[0]) == 6 for r in ours)
    assert {r[0] for r in rows} == {r[0] for r in ours}  # no other (unembedded) font


@needs_poppler
def test_combined_pdf_has_one_page_per_grid_in_code_order(cli_out, codes) -> None:
    out, _, _ = cli_out
    combined = out / "notices.pdf"
    assert _pdfinfo(combined)["Pages"] == str(len(codes))
    for page, code in enumerate(codes, start=1):
        assert code in _pdftotext(combined, page)
    assert sorted(p.name for p in out.glob("notice_*.pdf")) == [f"notice_{c}.pdf" for c in codes]
    assert sorted(p.name for p in out.glob("notice_*.png")) == [f"notice_{c}.png" for c in codes]


@needs_poppler
def test_a_page_rendered_by_pdftoppm_is_a4_and_not_blank(cli_out, codes, tmp_path) -> None:
    out, _, _ = cli_out
    dpi = 60
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(out / "notices.pdf"),
                    str(tmp_path / "page")], check=True)
    image = Image.open(tmp_path / "page.png").convert("RGB")
    # pdftoppm rounds the page's size in pixels up
    assert image.size == (math.ceil(A4_PT[0] / 72 * dpi), math.ceil(A4_PT[1] / 72 * dpi))
    pixels = np.asarray(image)
    ink = (pixels.min(axis=2) < 200).mean()
    assert 0.1 < ink < 0.9
    red = (pixels[..., 0] > 150) & (pixels[..., 1] < 70) & (pixels[..., 2] < 70)  # the header band
    assert red.mean() > 0.02


def test_png_is_a4_at_its_dpi_and_carries_the_resolution(cli_out, codes) -> None:
    out, _, _ = cli_out
    image = Image.open(out / f"notice_{codes[0]}.png")
    assert image.size == (round(210 / 25.4 * 150), round(297 / 25.4 * 150)) == (1240, 1754)
    assert image.info["dpi"][0] == pytest.approx(150, abs=0.1)


def _photo_pixels(png: Path) -> np.ndarray:
    pixels = np.asarray(Image.open(png).convert("RGB")).astype(int)
    return (np.abs(pixels - np.array(PHOTO_RGB)).max(axis=2) <= 6)


@pytest.mark.slow
@needs_poppler
def test_photos_are_printed_at_their_box_size_and_missing_ones_are_placeholders(cli_out, codes) -> None:
    out, _, _ = cli_out
    a, b, c = codes
    # grid A: two photos, each 18 × 24 mm at 300 dpi in the PDF, 18 × 24 mm at 150 dpi in the PNG
    listing = subprocess.run(["pdfimages", "-list", str(out / f"notice_{a}.pdf")], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    sizes = [tuple(int(v) for v in line.split()[3:5]) for line in listing]
    assert sizes == [(round(18 / 25.4 * 300), round(24 / 25.4 * 300))] * 2
    box_px = (18 / 25.4 * 150) * (24 / 25.4 * 150)
    assert _photo_pixels(out / f"notice_{a}.png").sum() == pytest.approx(2 * box_px, rel=0.06)
    # grid B: one person without photo, one whose photo file is missing; grid C: nobody
    for code in (b, c):
        assert subprocess.run(["pdfimages", "-list", str(out / f"notice_{code}.pdf")], capture_output=True,
                              text=True, check=True).stdout.count("image") == 0
        assert _photo_pixels(out / f"notice_{code}.png").sum() == 0
    text_b = _pdftotext(out / f"notice_{b}.pdf")
    assert "无照片" in text_b and "照片缺失" in text_b
    assert "欧阳娜" in text_b and "13700002222" in text_b


@pytest.mark.slow
def test_a_missing_photo_is_a_warning_not_an_error(plan_file, tables, codes, tmp_path, capsys) -> None:
    status = _run("--plan", str(plan_file), "--staff", str(tables["staff_csv"]), "--grids", codes[1],
                  "--out", str(tmp_path))
    err = capsys.readouterr().err
    assert status == 0
    assert "warning:" in err and "gone.jpg" in err and "row 5" in err
    assert "Traceback" not in err


@needs_poppler
def test_staff_and_micro_grids_are_listed_and_unconfigured_ones_say_so(cli_out, codes, tables) -> None:
    out, _, _ = cli_out
    a, _, c = codes
    text_a = _pdftotext(out / f"notice_{a}.pdf")
    for name, phone in (("王建国", "13912345678"), ("李晓红", "13800001111")):
        assert name in text_a and phone in text_a
    assert "网格长" in text_a and "网格员" in text_a
    micro = tables["micro"]
    for row in micro.itertuples():
        assert re.search(rf"\b{row.micro_code[-2:]}\b", text_a)
        if row.building_head:
            assert row.building_head in text_a and row.building_head_phone in text_a
    assert f"{len(micro)} 个" in text_a
    assert f"户数 {int(micro['households'].sum())}" in text_a
    text_c = _pdftotext(out / f"notice_{c}.pdf")
    # no staff for C: both roles 未配置; the micro layer has none for C: 未配置 too
    assert text_c.count("未配置") >= 3


@pytest.mark.slow
@needs_poppler
def test_a_plan_with_no_staff_and_no_micro_grids_says_not_configured(plan_file, tables, codes, tmp_path,
                                                                     monkeypatch) -> None:
    monkeypatch.delenv("GRIDMAP_LANG", raising=False)  # the notice in the default language, Chinese
    empty = tmp_path / "staff.csv"
    empty.write_text("staff_id,name,phone,role,grid_code,photo\n", encoding="utf-8")
    assert _run("--plan", str(plan_file), "--staff", str(empty), "--grids", codes[0], "--out", str(tmp_path)) == 0
    text = _pdftotext(tmp_path / f"notice_{codes[0]}.pdf")
    assert text.count("未配置") >= 3  # 网格长, 网格员, 微网格 (and the figures' 微网格 row)
    assert "监督电话" in text
    # no --osm: the plan's residents (building polygons) are drawn, without an OSM attribution
    assert "OpenStreetMap" not in text


# ------------------------------------------------------------------------------------------ bad input


@pytest.mark.slow
@pytest.mark.parametrize("content, expected", [
    ("staff_id,name,phone,grid_code\nS1,张三,1380,320102001001001\n", "role"),
    ("staff_id,name,phone,role,grid_code\nS1,张三,1380,网格员,320102001001001\nS2,李四,1390,组长,320102001001001\n",
     "row 3"),
    ("staff_id,name,phone,role,grid_code\nS1,张三,1380,网格员,3.20102E+14\n", "format the column as text"),
    ("staff_id,name,phone,role,grid_code\nS1,张三,1380,网格员,320102001001001\nS1,张三,1380,网格员,320102001001001\n",
     "listed twice"),
])
def test_a_broken_staff_table_stops_with_exit_2_naming_what_is_wrong(plan_file, tmp_path, capsys, content,
                                                                    expected) -> None:
    staff = tmp_path / "staff.csv"
    staff.write_text(content, encoding="utf-8")
    assert _run("--plan", str(plan_file), "--staff", str(staff), "--out", str(tmp_path / "out")) == 2
    err = capsys.readouterr().err
    assert "error:" in err and str(staff) in err and expected in err
    assert "Traceback" not in err
    assert not list(tmp_path.glob("out/*.pdf"))  # nothing written


def test_unknown_grid_code_and_missing_plan_exit_2(plan_file, tmp_path, capsys) -> None:
    assert _run("--plan", str(plan_file), "--grids", "320102001001001,999999999999999", "--out", str(tmp_path)) == 2
    assert "999999999999999" in capsys.readouterr().err
    assert _run("--plan", str(tmp_path / "nope.gpkg"), "--out", str(tmp_path)) == 2
    assert "not found" in capsys.readouterr().err
    assert _run("--out", str(tmp_path)) == 2
    assert "--plan" in capsys.readouterr().err


def test_an_output_folder_that_is_a_file_exits_2(plan_file, codes, tmp_path, capsys) -> None:
    target = tmp_path / "taken"
    target.write_text("not a folder")
    assert _run("--plan", str(plan_file), "--grids", codes[0], "--out", str(target)) == 2
    err = capsys.readouterr().err
    assert "this is a file, not a folder" in err and "Traceback" not in err


def test_bad_micro_grids_exit_2(plan_file, tables, codes, tmp_path, capsys) -> None:
    micro = tables["micro"].copy()
    micro.loc[0, "micro_code"] = "32010200100100901"  # not the grid code + 2 digits
    path = tmp_path / "micro.geojson"
    micro.to_file(path, engine="pyogrio")
    assert _run("--plan", str(plan_file), "--micro", str(path), "--out", str(tmp_path / "out")) == 2
    err = capsys.readouterr().err
    assert "must start with its grid_code" in err and "32010200100100901" in err


def test_no_usable_font_is_a_named_error_and_exit_2(plan_file, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv(nt.CJK_FONT_ENV, str(tmp_path / "missing.ttf"))
    with pytest.raises(nt.NoticeFontError, match="GRIDMAP_CJK_FONT"):
        nt.find_cjk_font()
    assert _run("--plan", str(plan_file), "--out", str(tmp_path)) == 2
    assert "GRIDMAP_CJK_FONT" in capsys.readouterr().err
    monkeypatch.delenv(nt.CJK_FONT_ENV)
    monkeypatch.setattr(nt, "KNOWN_CJK_FONTS", (tmp_path / "a.ttc", tmp_path / "b.ttf"))
    with pytest.raises(nt.NoticeFontError, match="fonts-wqy-microhei"):
        nt.find_cjk_font()


def _cff_font(path: Path) -> Path:
    """A tiny OpenType font with PostScript (CFF) outlines that does have 网格… characters."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen

    chars = sorted(set(nt._REQUIRED_CHARS))
    names = [".notdef", "space"] + [f"uni{ord(c):04X}" for c in chars]
    fb = FontBuilder(1000, isTTF=False)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({32: "space", **{ord(c): f"uni{ord(c):04X}" for c in chars}})
    pen = T2CharStringPen(600, None)
    pen.moveTo((0, 0)), pen.lineTo((0, 500)), pen.lineTo((500, 500)), pen.closePath()
    fb.setupCFF("TestCFF-Regular", {"FullName": "Test CFF"}, {n: pen.getCharString() for n in names}, {})
    fb.setupHorizontalMetrics(dict.fromkeys(names, (600, 0)))
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": "TestCFF", "styleName": "Regular"})
    fb.setupOS2()
    fb.setupPost()
    fb.save(str(path))
    return path


def test_fonts_with_cff_outlines_or_without_chinese_are_refused(tmp_path, monkeypatch) -> None:
    import matplotlib

    monkeypatch.setenv(nt.CJK_FONT_ENV, str(_cff_font(tmp_path / "cff.otf")))
    with pytest.raises(nt.NoticeFontError, match="CFF"):
        nt.find_cjk_font()
    monkeypatch.setenv(nt.CJK_FONT_ENV, str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"))
    with pytest.raises(nt.NoticeFontError, match="lacks Chinese"):
        nt.find_cjk_font()
    installed = nt.find_cjk_font({})  # the installed one, found at a known path
    monkeypatch.setenv(nt.CJK_FONT_ENV, str(installed.path))
    assert nt.find_cjk_font().path == installed.path


# ------------------------------------------------------------------------------------------ the API


@pytest.fixture(scope="module")
def notice_set(grids, demo, tables, codes) -> nt.NoticeSet:
    staff = read_staff_table(tables["staff_csv"]).table
    micro = read_micro_grids(tables["micro_gpkg"], "micro")
    return nt.prepare_notices(grids, basemap=nt.osm_basemap(DEMO_OSM), staff=staff, micro=micro,
                              communities=demo["study_area"], phone_supervision=PHONE, codes=codes,
                              date="2026-11-01")


@pytest.mark.slow
@needs_poppler
def test_pdf_and_png_bytes_for_one_grid(grids, demo, codes, tmp_path) -> None:
    code = codes[2]
    pdf = nt.notice_pdf_bytes(grids, code, communities=demo["study_area"], lang="en", phone_supervision=PHONE)
    assert pdf.startswith(b"%PDF")
    (tmp_path / "one.pdf").write_bytes(pdf)
    w, h = _page_size(_pdfinfo(tmp_path / "one.pdf"))
    assert (w, h) == pytest.approx(A4_PT, abs=0.01)
    text = _pdftotext(tmp_path / "one.pdf")
    assert code in text and "Grid code" in text and "Supervision phone" in text and "not configured" in text
    png = nt.notice_png_bytes(grids, code, dpi=72, communities=demo["study_area"])
    (tmp_path / "one.png").write_bytes(png)
    assert Image.open(tmp_path / "one.png").size == (round(A4_PT[0]), round(A4_PT[1])) == (595, 842)


@pytest.mark.slow
def test_the_map_is_at_the_stated_round_scale_and_holds_the_grid(notice_set, codes) -> None:
    for code in codes:
        fig = nt.notice_figure(notice_set, code)
        map_ax = fig.axes[1]  # axes[0] is the page, in millimetres
        width_mm = map_ax.get_position().width * 210
        height_mm = map_ax.get_position().height * 297
        (x0, x1), (y0, y1) = map_ax.get_xlim(), map_ax.get_ylim()
        scale = (x1 - x0) / width_mm * 1000  # metres of ground per metre of paper
        assert (y1 - y0) / height_mm * 1000 == pytest.approx(scale)  # same scale both ways: no distortion
        mantissa = scale / 10 ** math.floor(math.log10(scale) + 1e-9)
        assert any(mantissa == pytest.approx(m) for m in (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5))
        gx0, gy0, gx1, gy1 = notice_set.grids.set_index("grid_code").geometry[code].bounds
        assert x0 < gx0 and gx1 < x1 and y0 < gy0 and gy1 < y1
        printed = [t.get_text() for t in map_ax.texts if "1:" in t.get_text()]
        assert printed == [f"比例尺 1:{scale:,.0f}"]


def test_nice_scale_and_true_north_by_hand() -> None:
    # 500 m × 300 m in a 186 × 128 mm frame: 2,688 m per metre of paper → the next round scale, 1:3,000
    assert nt.nice_scale(500, 300, (186, 128)) == pytest.approx(3000)
    assert nt.nice_scale(186, 128, (186, 128)) == pytest.approx(1000)
    # EPSG:4549 (CGCS2000 / GK CM 120E): no convergence on the central meridian; at 121°E 32°N true
    # north is west of grid north by atan(tan 1° · sin 32°) = 0.530°
    import pyproj

    to = pyproj.Transformer.from_crs(4326, 4549, always_xy=True)
    assert nt.true_north_angle(4549, *to.transform(120.0, 32.0)) == pytest.approx(0.0, abs=1e-6)
    expected = -math.degrees(math.atan(math.tan(math.radians(1.0)) * math.sin(math.radians(32.0))))
    assert nt.true_north_angle(4549, *to.transform(121.0, 32.0)) == pytest.approx(expected, abs=0.01)


def test_photo_orientation_from_exif_is_honoured(tmp_path) -> None:
    # stored landscape, left half red, right half blue, EXIF orientation 6 (rotate 90° clockwise to view):
    # viewed upright it is portrait with red on top
    image = Image.new("RGB", (400, 300), (220, 0, 0))
    image.paste((0, 0, 220), (200, 0, 400, 300))
    exif = Image.Exif()
    exif[0x0112] = 6
    image.save(tmp_path / "phone.jpg", exif=exif)
    pixels = nt._photo_array(str(tmp_path / "phone.jpg"), (18.0, 24.0)).astype(int)
    rows = np.arange(pixels.shape[0])[:, None].repeat(pixels.shape[1], axis=1)
    red = (pixels[..., 0] > 150) & (pixels[..., 2] < 80)
    blue = (pixels[..., 2] > 150) & (pixels[..., 0] < 80)
    assert red.any() and blue.any()
    assert rows[red].mean() < rows[blue].mean()


def test_a_character_missing_from_the_font_is_warned_about(grids, codes) -> None:
    font = nt.find_cjk_font()
    rare = next(ch for ch in ("\U0002a6a5", "\U00030000", "\U0002b740") if ord(ch) not in font.cmap)
    staff = pd.DataFrame([{"staff_id": "S9", "name": f"张{rare}", "phone": "1", "role": "网格员",
                           "grid_code": codes[0], "photo": ""}])
    ns = nt.prepare_notices(grids, staff=staff, codes=[codes[0]])
    warnings: list[str] = []
    nt.notice_figure(ns, codes[0], warnings=warnings)
    assert any(rare in w and "no glyph" in w for w in warnings)


def test_staff_tables_from_gbk_csv_and_excel_keep_codes_and_phones_as_text(tmp_path, codes) -> None:
    rows = pd.DataFrame({"工号": ["A1"], "姓名": ["张三"], "电话": ["02584201234"], "role": ["网格员"],
                         "grid_code": [codes[0]]})
    mapping = {"staff_id": "工号", "name": "姓名", "phone": "电话"}
    rows.to_csv(tmp_path / "gbk.csv", index=False, encoding="gbk")
    table = read_staff_table(tmp_path / "gbk.csv", column_map=mapping).table
    assert table.loc[0, ["name", "phone", "grid_code"]].tolist() == ["张三", "02584201234", codes[0]]
    numeric = rows.assign(电话=[13800001111], grid_code=[int(codes[0])])  # as Excel stores typed numbers
    numeric.to_excel(tmp_path / "staff.xlsx", index=False, sheet_name="网格员")
    table = read_staff_table(tmp_path / "staff.xlsx", "网格员", column_map=mapping).table
    assert table.loc[0, ["phone", "grid_code"]].tolist() == ["13800001111", codes[0]]
    with pytest.raises(StaffTableError, match="no such file"):
        read_staff_table(tmp_path / "none.csv")
    # a GeoPackage layer (home points, as the staff command's table may have): geometry ignored,
    # photos relative to the GeoPackage's folder
    _photo(tmp_path / "me.png")
    layer = gpd.GeoDataFrame(rows.rename(columns={v: k for k, v in mapping.items()}).assign(photo=["me.png"]),
                             geometry=[shapely.Point(118.78, 32.05)], crs=4326)
    layer.to_file(tmp_path / "people.gpkg", layer="staff", engine="pyogrio")
    staff = read_staff_table(tmp_path / "people.gpkg", "staff")
    assert staff.warnings == []
    assert staff.table.loc[0, "photo_path"] == str((tmp_path / "me.png").resolve())
    with pytest.raises(StaffTableError, match="no layer 'nope'"):
        read_staff_table(tmp_path / "people.gpkg", "nope")


def test_micro_grid_checks(tables) -> None:
    micro = tables["micro"]
    assert check_micro_grids(micro)["households"].tolist() == [40, 55, 61]
    with pytest.raises(MicroGridError, match="households must be whole numbers"):
        check_micro_grids(micro.assign(households=[1, -2, 3]))
    with pytest.raises(MicroGridError, match="missing column"):
        check_micro_grids(micro.drop(columns="households"))
    with pytest.raises(MicroGridError, match="polygons"):
        check_micro_grids(micro.set_geometry(micro.geometry.representative_point()))


@pytest.mark.slow
def test_worker_processes_render_the_same_pages_as_one_process(notice_set, codes, tmp_path) -> None:
    one = nt.write_notices(notice_set, tmp_path / "one", workers=1)
    two = nt.write_notices(notice_set, tmp_path / "two", workers=2)
    assert two.workers == 2 and one.workers == 1
    for code in codes:
        a = np.asarray(Image.open(one.files[code][1]))
        b = np.asarray(Image.open(two.files[code][1]))
        assert np.array_equal(a, b)
