#!/usr/bin/env bash
# Install the offline map assets (Leaflet & co., listed in gridmap/present/assets.json) from the npm
# registry into gridmap/app/server/static/vendor (git-ignored), so maps work on intranets with no
# internet. Idempotent (a stamp holds the manifest's hash); FORCE=1 reinstalls.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
python=".venv/bin/python"; [ -x "$python" ] || python="${PYTHON:-python3}"
args=(); [ "${FORCE:-0}" = "1" ] && args+=(--force)
exec "$python" -m gridmap assets "${args[@]}"
