#!/usr/bin/env bash
# Install what is missing (test tools, Debian chromium), then run the whole test suite.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k io -x`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh test
exec .venv/bin/python -m pytest "$@"
