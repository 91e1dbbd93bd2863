#!/usr/bin/env bash
# Install what gridmap needs into .venv/ at the repository root. Idempotent, quick on a second run.
#   bash scripts/setup.sh app    # the package and the app's offline map assets
#   bash scripts/setup.sh test   # the above + test tools + Debian chromium for the browser tests
# Both install Debian's fonts-wqy-microhei (the CJK font of the notices); test also poppler-utils.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
what=${1:-app}
case "$what" in app|test) ;; *) echo "usage: $0 app|test" >&2; exit 2 ;; esac

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($python --version)"
  "$python" -m venv .venv
fi

# Reinstall only when pyproject.toml changed (or the venv is new).
stamp=".venv/.gridmap-$what-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  extra="[app,scale]"; [ "$what" = test ] && extra="[app,scale,test]"
  echo "setup: installing gridmap$extra and its dependencies into .venv"
  .venv/bin/python -m pip install --disable-pip-version-check -q -e ".$extra"
  touch "$stamp"
fi

# Leaflet & co. from the npm registry into static/vendor (never from a CDN at run time).
bash scripts/install_assets.sh

if [ "$what" = test ] && [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing Debian chromium for the browser tests"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi

# A CJK font with TrueType outlines for the 公示 notices (gridmap notice), from the distribution's
# packages, never fetched at run time ($GRIDMAP_CJK_FONT may name another installed font); for the
# tests, poppler-utils (pdfinfo, pdftotext, pdffonts, pdftoppm) to read the notices back.
debs=()
if [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] && [ -z "${GRIDMAP_CJK_FONT:-}" ]; then
  debs+=(fonts-wqy-microhei)
fi
if [ "$what" = test ] && [ ! -x /usr/bin/pdftotext ]; then debs+=(poppler-utils); fi
if [ ${#debs[@]} -gt 0 ]; then
  echo "setup: installing Debian ${debs[*]}"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${debs[@]}" >/dev/null
fi
