#!/usr/bin/env bash
# Vendor the front-end assets the offline HTML maps inline (geo_coi/maps/html.py).
#
# Downloads pinned release tarballs from the npm registry with `npm pack`,
# copies the dist files the map needs plus each package's licence into
# geo_coi/data/vendor/<package>/, and writes geo_coi/data/vendor/VERSIONS
# (package@version, file, sha256). Rerunnable: the output only changes when
# the pinned versions below change.
set -euo pipefail

PACKAGES=("leaflet@1.9.4")

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vendor="$here/geo_coi/data/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
for spec in "${PACKAGES[@]}"; do
    npm pack --silent "$spec" >/dev/null
done

copy() {  # copy <tarball> <package dir> <member>...
    local tarball="$1" dest="$2"
    shift 2
    mkdir -p "$work/unpack" "$dest"
    tar -xzf "$tarball" -C "$work/unpack"
    for member in "$@"; do
        install -m 0644 "$work/unpack/package/$member" "$dest/$(basename "$member")"
    done
    rm -rf "$work/unpack"
}

rm -rf "$vendor/leaflet" "$vendor/leaflet.markercluster" "$vendor/supercluster" "$vendor/kdbush"
copy leaflet-1.9.4.tgz "$vendor/leaflet" \
    LICENSE dist/leaflet.js dist/leaflet.css \
    dist/images/layers.png dist/images/layers-2x.png dist/images/marker-icon.png

{
    echo "# Vendored front-end assets, inlined into every HTML map by geo_coi/maps/html.py."
    echo "# Regenerate with scripts/vendor_assets.sh (npm registry release tarballs)."
    echo "# package@version  file  sha256"
    for spec in "${PACKAGES[@]}"; do
        name="${spec%@*}"
        (cd "$vendor/$name" && for file in $(ls | LC_ALL=C sort); do
            echo "$spec  $name/$file  $(sha256sum "$file" | cut -d' ' -f1)"
        done)
    done
} > "$vendor/VERSIONS"
echo "vendored into $vendor:"
cat "$vendor/VERSIONS"
