#!/usr/bin/env bash
# Install the Leaflet/folium front-end assets into gridmap/app/server/static/vendor/ (git-ignored), from the npm
# registry, so maps work on intranets with no internet (no CDNs). gridmap/maps.py points folium's
# classes at these files; Streamlit serves the static/ folder beside the app script at /app/static/ (server.enableStaticServing).
#
# Versions are the ones folium 0.20 (folium.Map) and folium.plugins.Draw reference in their
# default_js / default_css lists. If folium is upgraded and references other versions, update the
# list below AND gridmap/maps.py::VENDORED (tests/test_maps.py fails until both agree).
#
# Idempotent: a stamp file holds the sha256 of this script; a second run with the same script and
# all files in place does nothing. Force a reinstall with FORCE=1.
set -euo pipefail

SELF="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
cd "$(dirname "$SELF")/.."
VENDOR="gridmap/app/server/static/vendor"
STAMP="$VENDOR/.installed"

# npm package@version (what folium references)                      -> used as
PACKAGES=(
  "leaflet@1.9.3"                          # folium.Map: leaflet.js/.css + marker/layer images
  "jquery@3.7.1"                           # folium.Map: jquery-3.7.1.min.js
  "bootstrap@5.2.2"                        # folium.Map: bootstrap.bundle.min.js, bootstrap.min.css
  "@fortawesome/fontawesome-free@6.2.0"    # folium.Map: font-awesome all.min.css + webfonts
  "drmonty-leaflet-awesome-markers@2.0.2"  # folium.Map: Leaflet.awesome-markers 2.0.2 (+ images)
  "glyphicons-only-bootstrap@1.0.1"        # folium.Map: bootstrap 3 glyphicons css + fonts
  "leaflet-draw@1.0.2"                     # folium.plugins.Draw: leaflet.draw 1.0.2 (+ sprites)
)

# Files that must exist after an install (checked by the quick no-op path).
EXPECTED=(
  leaflet/leaflet.js leaflet/leaflet.css leaflet/images/marker-icon.png
  jquery/jquery.min.js
  bootstrap/js/bootstrap.bundle.min.js bootstrap/css/bootstrap.min.css
  fontawesome/css/all.min.css fontawesome/webfonts/fa-solid-900.woff2
  awesome-markers/js/leaflet.awesome-markers.js awesome-markers/css/leaflet.awesome-markers.css
  awesome-markers/css/images/markers-soft.png
  glyphicons/css/bootstrap-glyphicons.min.css glyphicons/fonts/glyphicons-halflings-regular.woff2
  folium/leaflet.awesome.rotate.min.css
  leaflet-draw/leaflet.draw.js leaflet-draw/leaflet.draw.css leaflet-draw/images/spritesheet.svg
)

HASH="$(sha256sum "$SELF" | cut -d' ' -f1)"

all_present() {
  local f
  for f in "${EXPECTED[@]}"; do
    [[ -s "$VENDOR/$f" ]] || return 1
  done
}

if [[ "${FORCE:-0}" != "1" && -f "$STAMP" && "$(cat "$STAMP")" == "$HASH" ]] && all_present; then
  echo "install_assets: gridmap/app/server/static/vendor is up to date"
  exit 0
fi

command -v npm >/dev/null 2>&1 || {
  echo "install_assets: npm is required (it fetches the assets from the npm registry)" >&2
  exit 1
}

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
BUILD="$TMP/vendor"
mkdir -p "$TMP/pkgs" "$BUILD"

echo "install_assets: fetching ${#PACKAGES[@]} packages from the npm registry"
(cd "$TMP/pkgs" && npm pack --silent --prefer-offline "${PACKAGES[@]}" >/dev/null)

# Unpack each tarball into $TMP/src/<tarball name without .tgz>/
mkdir -p "$TMP/src"
for tgz in "$TMP"/pkgs/*.tgz; do
  name="$(basename "$tgz" .tgz)"
  mkdir -p "$TMP/src/$name"
  tar -xzf "$tgz" -C "$TMP/src/$name"
done

# put SRC DEST: copy a file (or the files a glob names) from an unpacked package into the build.
put() {
  local src="$1" dest="$2" f
  mkdir -p "$(dirname "$BUILD/$dest")"
  # shellcheck disable=SC2086  # the glob in $src is intended
  for f in $TMP/src/$src; do
    [[ -e "$f" ]] || { echo "install_assets: missing in package: $src" >&2; exit 1; }
    if [[ "$dest" == */ ]]; then
      mkdir -p "$BUILD/$dest"
      cp "$f" "$BUILD/$dest"
    else
      cp "$f" "$BUILD/$dest"
    fi
  done
}

P=package
put "leaflet-1.9.3/$P/dist/leaflet.js"                     leaflet/leaflet.js
put "leaflet-1.9.3/$P/dist/leaflet.css"                    leaflet/leaflet.css
put "leaflet-1.9.3/$P/dist/images/*.png"                   leaflet/images/
put "leaflet-1.9.3/$P/LICENSE"                             leaflet/LICENSE

put "jquery-3.7.1/$P/dist/jquery.min.js"                   jquery/jquery.min.js
put "jquery-3.7.1/$P/LICENSE.txt"                          jquery/LICENSE.txt

put "bootstrap-5.2.2/$P/dist/js/bootstrap.bundle.min.js"   bootstrap/js/bootstrap.bundle.min.js
put "bootstrap-5.2.2/$P/dist/css/bootstrap.min.css"        bootstrap/css/bootstrap.min.css
put "bootstrap-5.2.2/$P/LICENSE"                           bootstrap/LICENSE

put "fortawesome-fontawesome-free-6.2.0/$P/css/all.min.css" fontawesome/css/all.min.css
put "fortawesome-fontawesome-free-6.2.0/$P/webfonts/*"      fontawesome/webfonts/
put "fortawesome-fontawesome-free-6.2.0/$P/LICENSE.txt"     fontawesome/LICENSE.txt

put "drmonty-leaflet-awesome-markers-2.0.2/$P/js/leaflet.awesome-markers.js"   awesome-markers/js/leaflet.awesome-markers.js
put "drmonty-leaflet-awesome-markers-2.0.2/$P/css/leaflet.awesome-markers.css" awesome-markers/css/leaflet.awesome-markers.css
put "drmonty-leaflet-awesome-markers-2.0.2/$P/css/images/*.png"                awesome-markers/css/images/

put "glyphicons-only-bootstrap-1.0.1/$P/css/bootstrap.min.css" glyphicons/css/bootstrap-glyphicons.min.css
put "glyphicons-only-bootstrap-1.0.1/$P/fonts/*"                glyphicons/fonts/

put "leaflet-draw-1.0.2/$P/dist/leaflet.draw.js"           leaflet-draw/leaflet.draw.js
put "leaflet-draw-1.0.2/$P/dist/leaflet.draw.css"          leaflet-draw/leaflet.draw.css
put "leaflet-draw-1.0.2/$P/dist/images/*"                  leaflet-draw/images/

# folium's own rotation classes for awesome markers (.fa-rotate-1 … .fa-rotate-360): not on npm,
# generated here with the same rules.
mkdir -p "$BUILD/folium"
for deg in $(seq 1 360); do
  printf '.fa-rotate-%d{-ms-transform:rotate(%ddeg);-webkit-transform:rotate(%ddeg);transform:rotate(%ddeg)}\n' \
    "$deg" "$deg" "$deg" "$deg"
done >"$BUILD/folium/leaflet.awesome.rotate.min.css"

# Source maps are not shipped: drop the comments that point at them (a browser with dev tools open
# would otherwise request them and get 404s).
find "$BUILD" -type f \( -name '*.js' -o -name '*.css' \) \
  -exec sed -i -e '/^\/[*/]# sourceMappingURL=/d' {} +

cat >"$BUILD/README.txt" <<EOF
Installed by scripts/install_assets.sh from the npm registry; do not commit, do not edit.
Packages: ${PACKAGES[*]}
Each folder keeps the package's licence file where the package ships one.
EOF

# Swap the new tree in whole, then write the stamp last.
mkdir -p "$(dirname "$VENDOR")"
rm -rf "$VENDOR.old"
[[ -d "$VENDOR" ]] && mv "$VENDOR" "$VENDOR.old"
mv "$BUILD" "$VENDOR"
rm -rf "$VENDOR.old"

for f in "${EXPECTED[@]}"; do
  [[ -s "$VENDOR/$f" ]] || { echo "install_assets: $f was not installed" >&2; exit 1; }
done
echo "$HASH" >"$STAMP"
echo "install_assets: installed into $VENDOR ($(du -sh "$VENDOR" | cut -f1))"
