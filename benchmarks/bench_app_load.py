"""Load on the app: N concurrent logged-in sessions opening maps, on loopback.

    .venv/bin/python benchmarks/bench_app_load.py [--sessions 20] [--pages overview,coverage,grid] [--standin]

Makes a workspace in a temporary folder with the demo as project ``demo`` (``--standin``: the tests'
small stand-in) and accounts ``viewer1…`` and ``planner1…`` (half each; planners scoped to the
demo's first community), serves it with ``gridmap serve --workspace`` (exactly the command the
tests use) on a free loopback port, waits until the start-up warm-up is over (the server's CPU
idle), then drives Debian's /usr/bin/chromium with Playwright's asyncio API (never ``playwright
install``): every session logs in (logins staggered: argon2 takes 64 MiB a hash), then all open
the listed pages at once through the sidebar, each page until its map's first vector path is
drawn. Prints

* errors: exceptions on a page, page errors, console errors, failed requests, HTTP status ≥ 400 —
  must be 0; the browser's messages of an overloaded machine (a component slower to load than
  Streamlit's client waits for, a component script cancelled by the next page) are counted apart;
* seconds per page open (median, 95th percentile, max) under that load;
* the server's CPU seconds (user + system, from /proc, its child processes included) spent on the
  opens, per page open, and its peak resident memory.

Loopback only, bounded: sessions and pages are given, nothing runs longer than the timeouts.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from browser_support import serve  # noqa: E402 - the tests' server helper

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
PASSWORD = "bench-pass-2026"
PAGE_LABELS = {"data": "数据", "overview": "总览", "coverage": "覆盖", "access": "可达", "grid": "网格",
               "siting": "选址"}
CLK = os.sysconf("SC_CLK_TCK")


def make_workspace(folder: Path, sessions: int, standin: bool) -> None:
    """The demo (or the stand-in) as project ``demo``, with ``sessions`` accounts, half viewers, half planners."""
    from gridmap.workspace import init_workspace

    ws = init_workspace(folder)
    admin = ws.as_system("bench")
    if standin:
        import standin_demo

        admin.import_inputs("demo", standin_demo.load_demo(), standin_demo.DEMO_OSM, title="stand-in")
    else:
        from gridmap.workspace.demo import import_demo

        import_demo(admin)
    area = str(admin.layer("demo", "study_area")["area_id"].iloc[0])
    for i in range(sessions):
        if i % 2:
            admin.add_user(f"planner{i}", "planner", PASSWORD, scopes=[area], projects=["demo"])
        else:
            admin.add_user(f"viewer{i}", "viewer", PASSWORD, projects=["demo"])


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its waited-for children (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / CLK


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_warm(pid: int, timeout: float = 900.0) -> float:
    """Wait until the start-up warm-up is over (under 5 % of a core for 3 s); return seconds waited."""
    t0 = time.monotonic()
    last, at = cpu_seconds(pid), time.monotonic()
    while time.monotonic() - t0 < timeout:
        time.sleep(3)
        now, t = cpu_seconds(pid), time.monotonic()
        if (now - last) / (t - at) < 0.05:
            break
        last, at = now, t
    return time.monotonic() - t0


async def session(browser, base: str, name: str, pages: list[str], start: asyncio.Event, logins: asyncio.Semaphore,
                  out: dict) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(180_000)  # a loaded 2-core machine: slow is measured, not an error
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    context.on("requestfailed", lambda r: errors.append(f"failed: {r.url} {r.failure}")
               if not r.url.startswith("data:") else None)
    context.on("response", lambda r: errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    times: list[float] = []
    try:
        async with logins:
            await page.goto(f"{base}/?page=data", wait_until="commit")
            await page.get_by_label("用户名").fill(name)
            await page.get_by_label("密码").fill(PASSWORD)
            await page.get_by_role("button", name="登录", exact=True).click()
            await page.get_by_text(f"已登录：{name}").wait_for(timeout=180_000)
        out["_ready"] += 1
        await start.wait()
        for key in pages:
            t0 = time.perf_counter()
            await page.locator('[data-testid="stSidebar"]').get_by_text(PAGE_LABELS[key], exact=True).click()
            await page.wait_for_function(f"() => new URL(location).searchParams.get('page') === '{key}'",
                                         timeout=180_000)
            frame = page.frame_locator(MAP_IFRAME).first
            await frame.locator(".leaflet-overlay-pane svg path").first.wait_for(state="attached", timeout=300_000)
            times.append(time.perf_counter() - t0)
            if await page.locator('[data-testid="stException"]').count():
                errors.append(f"exception on page {key}")
    except Exception as exc:  # noqa: BLE001 - a benchmark counts failures, it does not stop at the first
        errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
    finally:
        await context.close()
    out[name] = {"times": times, "errors": errors}


async def drive(base: str, names: list[str], pages: list[str], pid: int) -> dict:
    """Log every session in (two at a time), then let all open their pages at once; CPU and wall of that part."""
    from playwright.async_api import async_playwright

    out: dict = {"_ready": 0}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        start, logins = asyncio.Event(), asyncio.Semaphore(2)
        tasks = [asyncio.create_task(session(browser, base, n, pages, start, logins, out)) for n in names]
        while out["_ready"] + sum(1 for n in names if n in out) < len(names):  # logged in, or failed
            await asyncio.sleep(0.5)
        cpu0, t0 = cpu_seconds(pid), time.perf_counter()
        start.set()
        await asyncio.gather(*tasks)
        out["_cpu"], out["_wall"] = cpu_seconds(pid) - cpu0, time.perf_counter() - t0
        await browser.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--pages", default="overview,coverage,grid", help="pages each session opens, in order")
    ap.add_argument("--standin", action="store_true", help="the tests' small stand-in demo instead of the demo")
    args = ap.parse_args()
    if not 1 <= args.sessions <= 50:
        raise SystemExit("--sessions must be 1–50 (a bounded loopback benchmark)")
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    unknown = [p for p in pages if p not in PAGE_LABELS]
    if unknown:
        raise SystemExit(f"--pages: unknown page(s) {', '.join(unknown)}; choose from {', '.join(PAGE_LABELS)}")
    with tempfile.TemporaryDirectory(prefix="gridmap-load-") as tmp:
        folder = Path(tmp) / "workspace"
        t = time.perf_counter()
        make_workspace(folder, args.sessions, args.standin)
        print(f"workspace with {args.sessions} accounts made in {time.perf_counter() - t:.1f} s")
        server: list = []
        with serve(folder, Path(tmp) / "server.log", wait_warm=False, timeout=120, started=server.append) as base:
            proc = server[0]
            waited = wait_warm(proc.pid)
            print(f"server up; start-up warm-up over after {waited:.0f} s "
                  f"(server CPU so far {cpu_seconds(proc.pid):.1f} s)")
            names = [f"planner{i}" if i % 2 else f"viewer{i}" for i in range(args.sessions)]
            out = asyncio.run(drive(base, names, pages, proc.pid))
            rss = peak_rss_mb(proc.pid)
        times = [x for n in names for x in out.get(n, {}).get("times", [])]
        everything = [f"{n}: {e}" for n in names for e in out.get(n, {}).get("errors", [])]
        # the browser's own complaints when the machine is overloaded — a component iframe slower than
        # Streamlit's client waits for, a component script cancelled by the next page — are counted
        # apart from errors of the server (HTTP ≥ 400, exceptions on a page, a page that never drew)
        slow = [e for e in everything if "timeout error" in e or "net::ERR_ABORTED" in e]
        errors = [e for e in everything if e not in slow]
        opens = len(times)
        print(f"\n{args.sessions} sessions × {len(pages)} pages ({', '.join(pages)}), all at once after login")
        print(f"page opens completed: {opens} of {args.sessions * len(pages)}; errors: {len(errors)}; browser-side "
              f"slowness messages (component load timeouts, requests cancelled by the next page): {len(slow)}")
        for e in errors[:10]:
            print("  " + e)
        if times:
            q = statistics.quantiles(times, n=20, method="inclusive")[-1] if len(times) >= 2 else times[0]
            print(f"seconds per page open under load: median {statistics.median(times):.2f}, 95th percentile "
                  f"{q:.2f}, max {max(times):.2f}; wall {out['_wall']:.1f} s for all")
            print(f"server CPU for the opens: {out['_cpu']:.1f} s → {out['_cpu'] / opens:.3f} CPU s per page open; "
                  f"server peak RSS {rss:.0f} MB")
        if errors or opens < args.sessions * len(pages):
            raise SystemExit(1)


if __name__ == "__main__":
    main()
