#!/usr/bin/env bash
# The static checks CI runs before the tests (.ci/run): ruff (style, imports, bugbear, pyupgrade,
# numpy docstrings), mypy on the package, and lint-imports (the floors of pyproject.toml).
# All three run, so one report shows every problem; the script fails when any of them fails.
# Configuration: [tool.ruff], [tool.mypy] and [tool.importlinter] in pyproject.toml.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=.venv/bin
if [ ! -x "$bin/ruff" ] || [ ! -x "$bin/mypy" ] || [ ! -x "$bin/lint-imports" ]; then
  bash scripts/setup.sh test || exit 1
fi
failed=()
echo "check: ruff"
"$bin/ruff" check . || failed+=(ruff)
echo "check: mypy"
"$bin/mypy" || failed+=(mypy)
echo "check: lint-imports"
"$bin/lint-imports" || failed+=(lint-imports)
if [ ${#failed[@]} -gt 0 ]; then
  echo "check: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "check: ruff, mypy and lint-imports passed"
