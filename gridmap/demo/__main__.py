"""``python -m gridmap.demo``: rebuild the embedded demo GeoPackage from its OSM extract."""

from gridmap.demo import main

main()
