"""Benchmark the 公示 notices: 100 A4 notices (PDF + PNG each, and the combined PDF) ≤ 60 s.

    .venv/bin/python benchmarks/bench_notice.py [--n 100] [--reference 10] [--dpi 150] [--out DIR]

The demo plan is built at 250–400 households per grid (110 grids); the first ``--n`` get a notice
with a full staff table (a 网格长 shared by four grids and two 网格员 per grid, each with an
800 × 1,067 JPEG photo) and 8 micro grids with their 楼栋长, over the demo's OSM streets and
buildings. Timed side by side:

* **gridmap** — ``write_notices``: the OSM basemap read once and indexed with an STRtree, each
  notice's streets and buildings clipped to its frame, the CJK font cut once to the run's
  characters, pages rendered in worker processes (one per core) and merged into ``notices.pdf``.
  Also in one process, to show what the workers bring on this machine.
* **naive reference** — a loop that treats each grid on its own: per grid, re-read the OSM file
  and project it, prepare that grid alone, cut the font again from the 5 MB collection, draw the
  page once and save its PDF and PNG, in one process; then the same pypdf merge.
  ``--reference`` notices are measured and the time per notice extrapolated to ``--n``.

Wall-clock seconds and CPU seconds (this process and its workers) are printed: on a machine
shared with other work, CPU seconds are the steadier figure.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from PIL import Image, ImageDraw
from pypdf import PdfWriter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from gridmap.demo import DEMO_OSM, demo_zone_layers, load_demo  # noqa: E402
from gridmap.plans.grids import build_grids  # noqa: E402
from gridmap.plans.plan import Plan  # noqa: E402
from gridmap.plans.units import make_units  # noqa: E402
from gridmap.present import notice as nt  # noqa: E402
from gridmap.present.notice_inputs import check_micro_grids, read_staff_table  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国秀英志强丽娟海燕俊杰晓红文华明辉桂兰"


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _name(rng: np.random.Generator) -> str:
    return rng.choice(list(SURNAMES)) + "".join(rng.choice(list(GIVEN), size=2))


def _photos(folder: Path, n: int, rng: np.random.Generator) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for i in range(n):
        image = Image.new("RGB", (800, 1067), tuple(int(v) for v in rng.integers(60, 200, 3)))
        draw = ImageDraw.Draw(image)
        draw.ellipse((250, 180, 550, 540), fill=(236, 205, 175))
        draw.rectangle((120, 620, 680, 1067), fill=tuple(int(v) for v in rng.integers(20, 120, 3)))
        name = f"photo_{i:03d}.jpg"
        image.save(folder / name, quality=88)
        names.append(name)
    return names


def staff_table(codes: list[str], folder: Path, seed: int = 0) -> Path:
    """A 网格长 per four grids and two 网格员 per grid, each with a photo; written as CSV."""
    rng = np.random.default_rng(seed)
    photos = _photos(folder / "photos", 24, rng)
    rows = []
    for i, code in enumerate(codes):
        head = i // 4
        rows.append({"staff_id": f"H{head:03d}", "name": f"{SURNAMES[head % 20]}{GIVEN[head % 16]}长",
                     "phone": f"139{head:08d}", "role": "网格长", "grid_code": code,
                     "photo": f"photos/{photos[head % len(photos)]}"})
        for k in range(2):
            rows.append({"staff_id": f"W{i:03d}{k}", "name": _name(rng), "phone": f"138{i:06d}{k:02d}",
                         "role": "网格员", "grid_code": code, "photo": f"photos/{photos[(i * 2 + k) % len(photos)]}"})
    path = folder / "staff.csv"
    pd.DataFrame(rows).to_csv(path, index=False, encoding="utf-8")
    return path


def micro_grids(grids: gpd.GeoDataFrame, per_grid: int = 8, seed: int = 0) -> gpd.GeoDataFrame:
    """``per_grid`` strips of each grid (west to east) as micro grids, households shared out."""
    rng = np.random.default_rng(seed)
    rows = []
    for g in grids.itertuples(index=False):
        minx, miny, maxx, maxy = g.geometry.bounds
        xs = np.linspace(minx, maxx, per_grid + 1)
        share = rng.dirichlet(np.ones(per_grid))
        households = np.floor(share * g.households).astype(int)
        households[0] += int(g.households) - households.sum()
        for j in range(per_grid):
            piece = shapely.intersection(g.geometry, shapely.box(xs[j], miny, xs[j + 1], maxy))
            if piece.is_empty or piece.area < 1:
                continue
            rows.append({"micro_code": f"{g.grid_code}{j + 1:02d}", "grid_code": g.grid_code,
                         "households": int(households[j]), "building_head": _name(rng),
                         "building_head_phone": f"137{rng.integers(0, 10**8):08d}", "geometry": piece})
    return gpd.GeoDataFrame(rows, crs=grids.crs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100, help="notices (default 100)")
    parser.add_argument("--reference", type=int, default=10, help="notices the naive reference renders (default 10)")
    parser.add_argument("--dpi", type=float, default=150)
    parser.add_argument("--out", help="keep the notices here (default: a temporary folder)")
    args = parser.parse_args()

    print(f"load average at start: {', '.join(f'{v:.1f}' for v in os.getloadavg())} on {os.cpu_count()} cores")
    demo = load_demo()
    units = make_units(demo_zone_layers(demo), demo["study_area"], demo["residents"])
    build = build_grids(units, 250, 400, seed=0, study_area=demo["study_area"])
    plan = Plan.from_build(units, build, min_households=250, max_households=400)
    grids = plan.grids()
    codes = sorted(grids["grid_code"])[:args.n]
    if len(codes) < args.n:
        raise SystemExit(f"the demo plan has {len(codes)} grids; ask for --n {len(codes)} or fewer")
    tmp = Path(tempfile.mkdtemp(prefix="bench-notice-"))
    staff = read_staff_table(staff_table(codes, tmp / "staff")).table
    micro = check_micro_grids(micro_grids(grids[grids["grid_code"].isin(codes)]))
    inputs = {"staff": staff, "micro": micro, "communities": demo["study_area"], "phone_supervision": "025-84201234"}
    print(f"{len(codes)} notices: {len(staff)} staff rows with photos, {len(micro)} micro grids, "
          f"PNG at {args.dpi:g} dpi ({' × '.join(map(str, nt.a4_pixels(args.dpi)))} px)")

    results = {}
    for label, workers in (("gridmap, worker processes", None), ("gridmap, one process", 1)):
        out = Path(args.out) / label.split(", ")[1].replace(" ", "_") if args.out else tmp / f"out{workers}"
        nt._SUBSETS.clear()  # each run cuts its own font subset
        wall, cpu = time.perf_counter(), _cpu()
        basemap = nt.osm_basemap(DEMO_OSM)
        ns = nt.prepare_notices(grids, basemap=basemap, codes=codes, **inputs)
        run = nt.write_notices(ns, out, dpi=args.dpi, workers=workers)
        wall, cpu = time.perf_counter() - wall, _cpu() - cpu
        size = sum(p.stat().st_size for pair in run.files.values() for p in pair) + run.combined.stat().st_size
        results[label] = (wall, cpu, run.workers)
        print(f"  {label:<28} {wall:7.1f} s wall  {cpu:7.1f} s CPU  ({run.workers} process(es); "
              f"{wall / len(codes):.2f} s a notice; {size / 1e6:.1f} MB written; {len(run.warnings)} warnings)")

    ref_codes = codes[:args.reference]
    ref_out = tmp / "reference"
    ref_out.mkdir()
    wall, cpu = time.perf_counter(), _cpu()
    for code in ref_codes:
        nt._SUBSETS.clear()  # a fresh start cuts the font from the collection again
        ns = nt.prepare_notices(grids, basemap=nt.osm_basemap(DEMO_OSM), codes=[code], **inputs)
        fig = nt.notice_figure(ns, code)
        nt._save_pdf(fig, ns.contents[code], ref_out / f"notice_{code}.pdf")
        nt._save_png(fig, ref_out / f"notice_{code}.png", args.dpi)
    writer = PdfWriter()
    for code in ref_codes:
        writer.append(str(ref_out / f"notice_{code}.pdf"))
    writer.write(str(ref_out / "notices.pdf"))
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    scale = len(codes) / len(ref_codes)
    print(f"  {'naive per-grid re-read':<28} {wall * scale:7.1f} s wall  {cpu * scale:7.1f} s CPU  "
          f"(extrapolated from {len(ref_codes)} notices: {wall / len(ref_codes):.2f} s a notice)")
    best_wall = results["gridmap, worker processes"][0]
    print(f"\n{len(codes)} notices in {best_wall:.1f} s (target ≤ 60 s: {'met' if best_wall <= 60 else 'NOT met'}); "
          f"naive reference / gridmap = {wall * scale / best_wall:.1f}× wall, "
          f"{cpu * scale / results['gridmap, worker processes'][1]:.1f}× CPU; "
          f"workers vs one process: {results['gridmap, one process'][0] / best_wall:.2f}× wall")


if __name__ == "__main__":
    main()
