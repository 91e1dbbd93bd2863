#!/usr/bin/env bash
# Install what is missing (test tools, Debian chromium), start a throwaway PostgreSQL + PostGIS
# (scripts/postgis.sh) for the PostGIS workspace tests, run the whole test suite, stop the cluster.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k io -x`; such a run also uses two worker
# processes (pytest-xdist), unless the arguments choose otherwise (-n N, --numprocesses, -p no:xdist;
# -n 0 runs in this process, e.g. to debug, or to time the browser tests on an otherwise idle machine).
# With GRIDMAP_TEST_POSTGRES_URL already set, that database is used and no cluster is started.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh test

if [ -z "${GRIDMAP_TEST_POSTGRES_URL:-}" ]; then
  # a cluster of its own (its own state file), stopped and removed however the run ends
  GRIDMAP_PG_STATE="$(mktemp -u "${TMPDIR:-/tmp}/gridmap-test-postgis.XXXXXX")"
  export GRIDMAP_PG_STATE
  trap 'bash scripts/postgis.sh stop' EXIT
  url=$(GRIDMAP_PG_FAST=1 bash scripts/postgis.sh start | tail -n1)
  case "$url" in postgresql://*) ;; *) echo "test.sh: scripts/postgis.sh start gave no URL" >&2; exit 2 ;; esac
  export GRIDMAP_TEST_POSTGRES_URL="$url"
fi
unset GRIDMAP_ALLOW_NO_POSTGRES  # here the PostGIS tests run, never skipped
# Compiled modules and pytest's rewritten test modules are cached in __pycache__ (ignored by git):
# with PYTHONDONTWRITEBYTECODE set (some images set it) every run would compile them again, which
# doubles the collection time of each worker process.
unset PYTHONDONTWRITEBYTECODE
if [ $# -gt 0 ]; then
  workers=(-n 2)
  for arg in "$@"; do
    case "$arg" in  # the choice is the caller's; the debugger needs the tests in this process
      -n|-n[0-9]*|-nauto|-nlogical|--numprocesses|--numprocesses=*|no:xdist|-pno:xdist|--pdb|--trace) workers=() ;;
    esac
  done
  .venv/bin/python -m pytest "${workers[@]}" "$@"
  exit $?
fi
# The whole suite in two passes: what does not drive a browser on two worker processes (pytest-xdist;
# every test has its own temporary folders, PostGIS schema and ports), then the browser tests alone,
# one at a time, so their timing targets (first map, lasso) are measured on an otherwise idle machine.
status=0
.venv/bin/python -m pytest -q -m "not browser" -n 2 || status=$?
.venv/bin/python -m pytest -q -m browser || status=$?
exit $status
