"""The offline map assets: what they are (a manifest shipped with the package) and how they are installed.

folium's maps load Leaflet, jQuery, Bootstrap, Font Awesome and leaflet.draw from public CDNs; an
intranet has none. gridmap serves and inlines local copies instead. Which npm package each file
comes from, which file replaces which CDN URL, and which files must be present are listed once, in
``assets.json`` beside this module (package data, so a wheel knows its assets too):

* :data:`VENDORED` — CDN URL → path of the local copy (what :mod:`gridmap.present.maps` rewrites);
* :data:`REQUIRED` — the files a complete install holds;
* :func:`install` — fetch the packages from the npm registry (``npm pack``; the office's npm
  mirror works the same), take the listed files, and swap the new folder in whole. Idempotent: a
  stamp holds the manifest's hash, and a second call with every file in place does nothing.

The folder is :data:`VENDOR_DIR`: ``static/vendor`` beside the app's Streamlit script, which
Streamlit serves at ``/app/static/vendor``; ``GRIDMAP_ASSETS_DIR`` points elsewhere. Third-party
files are never committed: ``gridmap assets`` (run by ``scripts/setup.sh``) installs them, with each
package's licence file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

from gridmap.vocab import LIST_SEP, Joined, Message

__all__ = ["MANIFEST", "VENDORED", "REQUIRED", "VENDOR_DIR", "AssetsInstallError", "missing", "install"]

_MANIFEST_PATH = Path(__file__).with_name("assets.json")

#: The manifest (``assets.json``): npm packages and their files, the CDN URLs they replace.
MANIFEST: dict = json.loads(_MANIFEST_PATH.read_text(encoding="utf-8"))

#: CDN URL that folium / folium.plugins.Draw reference → path of the local copy under :data:`VENDOR_DIR`.
VENDORED: dict[str, str] = dict(MANIFEST["cdn"])

#: Files a complete install holds (relative to :data:`VENDOR_DIR`).
REQUIRED: tuple[str, ...] = tuple(MANIFEST["required"])

#: Where the assets live: beside the app's Streamlit script, whose ``static/`` folder Streamlit
#: serves (only the path is shared with the app, no code); ``GRIDMAP_ASSETS_DIR`` overrides it.
VENDOR_DIR = Path(os.environ.get("GRIDMAP_ASSETS_DIR")
                  or Path(__file__).resolve().parent.parent / "app" / "server" / "static" / "vendor")

_STAMP = ".installed"
_SOURCE_MAP = re.compile(r"^/[*/]# sourceMappingURL=.*$\n?", re.M)


class AssetsInstallError(RuntimeError):
    """The assets could not be installed (no npm, the registry unreachable, a file missing)."""


def _manifest_hash() -> str:
    return hashlib.sha256(_MANIFEST_PATH.read_bytes()).hexdigest()


def missing(vendor_dir: str | os.PathLike | None = None) -> list[str]:
    """Required asset files that are absent or empty under ``vendor_dir`` (default :data:`VENDOR_DIR`)."""
    root = Path(vendor_dir) if vendor_dir is not None else VENDOR_DIR
    return [rel for rel in REQUIRED if not (root / rel).is_file() or (root / rel).stat().st_size == 0]


def _rotate_css() -> str:
    """Folium's ``leaflet.awesome.rotate.min.css``: ``.fa-rotate-N`` for N = 1…360."""
    return "".join(f".fa-rotate-{d}{{-ms-transform:rotate({d}deg);-webkit-transform:rotate({d}deg);"
                   f"transform:rotate({d}deg)}}\n" for d in range(1, 361))


def _take(unpacked: Path, pattern: str, dest: Path, package: str) -> None:
    """Copy the file(s) ``pattern`` names in an unpacked package to ``dest`` (a folder when it ends in /)."""
    found = sorted(p for p in unpacked.glob(pattern) if p.is_file())
    if not found:
        raise AssetsInstallError(Message("err_assets_package_has_no_check_assets", package=package, pattern=pattern))
    if str(dest).endswith(("/", os.sep)) or len(found) > 1:
        dest.mkdir(parents=True, exist_ok=True)
        for f in found:
            shutil.copyfile(f, dest / f.name)
    else:
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(found[0], dest)


def install(vendor_dir: str | os.PathLike | None = None, *, force: bool = False, npm: str = "npm",
            say: Callable[[str | Message], None] = print) -> Path:
    """Install the map assets from the npm registry into ``vendor_dir`` (default :data:`VENDOR_DIR`).

    Parameters
    ----------
    vendor_dir : folder to fill; replaced in one step (readers never see half an install).
    force : reinstall even when the stamp says the folder is up to date.
    npm : the npm executable (its registry setting decides where packages come from).
    say : progress messages.

    Returns
    -------
    The folder.

    Raises
    ------
    AssetsInstallError
        npm is missing or fails, or a listed file is not in its package.
    """
    target = Path(vendor_dir) if vendor_dir is not None else VENDOR_DIR
    stamp = target / _STAMP
    digest = _manifest_hash()
    if not force and stamp.is_file() and stamp.read_text().strip() == digest and not missing(target):
        say(Message("prog_assets_up_to_date", target=target))
        return target
    if shutil.which(npm) is None:
        raise AssetsInstallError(Message("err_assets_npm_required_install_map_assets"))
    packages = [p["npm"] for p in MANIFEST["packages"]]
    say(Message("prog_assets_fetching", n=len(packages)))
    with tempfile.TemporaryDirectory(prefix="gridmap-assets-") as tmp:
        tmp_path = Path(tmp)
        packs = tmp_path / "packs"
        packs.mkdir()
        done = subprocess.run([npm, "pack", "--silent", "--prefer-offline", "--json", *packages], cwd=packs,
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise AssetsInstallError(Message("err_assets_npm_pack_failed", returncode=done.returncode,
                                             stderr=done.stderr.strip()[-2000:]))
        tarballs = [entry["filename"] for entry in json.loads(done.stdout)]
        build = tmp_path / "vendor"
        build.mkdir()
        for spec, tarball in zip(MANIFEST["packages"], tarballs, strict=True):
            unpacked = tmp_path / "src" / tarball.removesuffix(".tgz")
            unpacked.mkdir(parents=True)
            with tarfile.open(packs / tarball) as tar:
                tar.extractall(unpacked, filter="data")  # no absolute paths, links or devices
            for pattern, dest in spec["files"]:
                _take(unpacked, pattern, build / dest, spec["npm"])
        (build / "folium").mkdir(exist_ok=True)
        (build / "folium" / "leaflet.awesome.rotate.min.css").write_text(_rotate_css(), encoding="utf-8")
        # source maps are not shipped: drop the comments pointing at them (dev tools would 404)
        for f in build.rglob("*"):
            if f.suffix in (".js", ".css"):
                text = f.read_text(encoding="utf-8", errors="surrogateescape")
                stripped = _SOURCE_MAP.sub("", text)
                if stripped != text:
                    f.write_text(stripped, encoding="utf-8", errors="surrogateescape")
        (build / "README.txt").write_text(
            "Installed by gridmap.present.assets from the npm registry; do not commit, do not edit.\n"
            f"Packages: {' '.join(packages)}\n"
            "Each folder keeps the package's licence file where the package ships one.\n", encoding="utf-8")
        absent = missing(build)
        if absent:
            raise AssetsInstallError(Message("err_assets_not_installed_check_assets_json", absent=Joined(absent,
                                                                                                         LIST_SEP)))
        (build / _STAMP).write_text(digest + "\n", encoding="utf-8")
        target.parent.mkdir(parents=True, exist_ok=True)
        old = target.with_name(target.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        shutil.move(str(build), str(target))
        shutil.rmtree(old, ignore_errors=True)
    size = sum(f.stat().st_size for f in target.rglob("*") if f.is_file())
    say(Message("prog_assets_installed", target=target, megabytes=size / 1e6))
    return target

