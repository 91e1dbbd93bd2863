#!/usr/bin/env bash
# A throwaway PostgreSQL + PostGIS cluster for tests, benchmarks and trying a PostGIS workspace.
#
#   bash scripts/postgis.sh start   # install PostgreSQL + PostGIS (Debian packages) when missing, start a
#                                   # cluster on a free loopback port under a temporary folder, create the
#                                   # database `gridmap` with the postgis extension; the LAST line printed
#                                   # is its URL: postgresql://gridmap@127.0.0.1:PORT/gridmap
#   bash scripts/postgis.sh stop    # stop that cluster and remove its folder
#   bash scripts/postgis.sh url     # print the running cluster's URL
#
# Environment:
#   GRIDMAP_PG_STATE  file remembering the running cluster's folder (default: .postgis-cluster in the
#                     repository; scripts/test.sh uses its own, so it never touches yours)
#   GRIDMAP_PG_PORT   port to listen on (default: a free one)
#   GRIDMAP_PG_FAST=1 fsync off (tests only: the data is thrown away; never for benchmarks or real data)
#
# The cluster trusts every local connection on 127.0.0.1 (no password): it is for one machine's tests,
# never for real data. initdb refuses to run as root, so as root the cluster runs as the `postgres`
# system user (created by the Debian package), or a `gridmap-pg` system user made for it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state=${GRIDMAP_PG_STATE:-$root/.postgis-cluster}
role=gridmap
database=gridmap

say() { echo "postgis.sh: $*" >&2; }
die() { say "$*"; exit 2; }

as_root() {  # run a command as root (directly, or through sudo without a password prompt)
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else
    die "need root to run: $* (install PostgreSQL and PostGIS yourself, or run as root)"; fi
}

pg_bindir() {  # the newest installed server's binaries
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
  if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return; fi
  echo ""
}

has_postgis() {  # $1 = bindir: the postgis extension is installed for that server
  local share
  share=$("$1/pg_config" --sharedir 2>/dev/null || echo "/usr/share/postgresql/$(basename "$(dirname "$1")")")
  ls "$share"/extension/postgis.control >/dev/null 2>&1
}

install_packages() {
  command -v apt-get >/dev/null || die "PostgreSQL/PostGIS are missing and this is no Debian/Ubuntu system: install \
PostgreSQL (>= 13) with PostGIS 3 yourself, then run this again"
  local bindir version pkg
  bindir=$(pg_bindir)
  if [ -z "$bindir" ]; then
    say "installing PostgreSQL (Debian package postgresql)"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    bindir=$(pg_bindir)
    [ -n "$bindir" ] || die "apt-get installed postgresql but no initdb was found under /usr/lib/postgresql"
  fi
  if ! has_postgis "$bindir"; then
    version=$(basename "$(dirname "$bindir")")
    pkg=$(apt-cache search --names-only "^postgresql-$version-postgis-3\$" | awk '{print $1}' | head -n1)
    if [ -z "$pkg" ]; then as_root apt-get update -qq
      pkg=$(apt-cache search --names-only "^postgresql-$version-postgis-3\$" | awk '{print $1}' | head -n1); fi
    [ -n "$pkg" ] || die "no Debian package postgresql-$version-postgis-3 for PostgreSQL $version (apt-cache search postgis)"
    say "installing PostGIS (Debian package $pkg)"
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null
    has_postgis "$bindir" || die "$pkg is installed but the postgis extension is not found"
  fi
  if ! command -v ogr2ogr >/dev/null; then  # GDAL's PostgreSQL driver, to check what QGIS sees (optional)
    say "installing ogr2ogr (Debian package gdal-bin)"
    ( DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends gdal-bin >/dev/null ) \
      || say "could not install gdal-bin: the test through ogr2ogr will be skipped"
  fi
}

run_as=""  # the user the cluster runs as (empty: the current user)
choose_user() {
  [ "$(id -u)" -eq 0 ] || return 0
  if id postgres >/dev/null 2>&1; then run_as=postgres
  else
    id gridmap-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin gridmap-pg
    run_as=gridmap-pg
  fi
}

as_cluster_user() {
  if [ -z "$run_as" ]; then "$@"
  elif command -v runuser >/dev/null; then runuser -u "$run_as" -- "$@"
  else su -s /bin/sh "$run_as" -c "$(printf '%q ' "$@")"; fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

url_of() { echo "postgresql://$role@127.0.0.1:$(cat "$1/port")/$database"; }

start() {
  if [ -f "$state" ] && [ -d "$(cat "$state")" ]; then
    local dir; dir=$(cat "$state")
    if "$(cat "$dir/bindir")/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      say "a cluster is running already ($dir)"; url_of "$dir"; return; fi
  fi
  install_packages
  local bindir dir port fsync
  bindir=$(pg_bindir)
  choose_user
  dir=$(mktemp -d "${TMPDIR:-/tmp}/gridmap-postgis.XXXXXX")
  echo "$dir" > "$state"
  echo "$bindir" > "$dir/bindir"
  port=${GRIDMAP_PG_PORT:-$(free_port)}
  echo "$port" > "$dir/port"
  [ -z "$run_as" ] || chown -R "$run_as" "$dir"
  chmod 755 "$dir"
  as_cluster_user "$bindir/initdb" -D "$dir/data" -U "$role" --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || as_cluster_user "$bindir/initdb" -D "$dir/data" -U "$role" --auth=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; die "initdb failed (log above)"; }
  fsync=on; [ "${GRIDMAP_PG_FAST:-0}" = 1 ] && fsync=off
  as_cluster_user "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=$fsync -c max_connections=200" >/dev/null \
    || { cat "$dir/server.log" >&2; die "the server did not start (log above)"; }
  "$bindir/psql" -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U "$role" -d postgres \
    -c "CREATE DATABASE $database" >/dev/null
  "$bindir/psql" -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U "$role" -d "$database" \
    -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
  say "PostgreSQL $(basename "$(dirname "$bindir")") + PostGIS running in $dir (stop: bash scripts/postgis.sh stop)"
  url_of "$dir"
}

stop() {
  [ -f "$state" ] || { say "no cluster started (no $state)"; return 0; }
  local dir; dir=$(cat "$state")
  if [ -d "$dir/data" ]; then
    choose_user
    as_cluster_user "$(cat "$dir/bindir")/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  case "$dir" in */gridmap-postgis.*) rm -rf "$dir" ;; *) say "not removing $dir (not made by this script)" ;; esac
  rm -f "$state"
  say "stopped and removed $dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) [ -f "$state" ] || die "no cluster started"; url_of "$(cat "$state")" ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
