#!/usr/bin/env bash
# Install what is missing, then serve the app on the embedded demo at http://127.0.0.1:8501
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh app
exec .venv/bin/gridmap serve --address 127.0.0.1 --port 8501 "$@"
