"""Walking network from an OSM XML file: filtered for pedestrians, projected, cached, as arrays.

The network is read offline with ``osmnx.graph.graph_from_xml`` (OSM XML or ``.osm.bz2``; never
Overpass), kept **unsimplified** so every edge is the straight segment between two consecutive OSM
nodes of a way, filtered for pedestrians (docs/design.md §4.6, :func:`walkable_mask`), made undirected
(pedestrians ignore ``oneway``) and projected to the metric CRS of the data (:func:`gridmap.io.crs.
working_crs`). Edge lengths are the Euclidean lengths of those segments *in that CRS*, the same metric
in which snapping offsets and straight-line distances are measured, so every distance gridmap
reports about walking is in one consistent metric (the Gauss–Krüger scale error is below 0.03 %
inside a 3-degree zone).

The result is a :class:`WalkNetwork`: plain numpy arrays (node coordinates, edge end indices,
lengths) plus a symmetric CSR matrix for ``scipy.sparse.csgraph``. Building it from XML takes
seconds; it is cached on disk as an ``.npz`` keyed by the sha256 of the file's bytes (and the
format version of this module), written atomically, in ``cache_dir`` — by default
``$GRIDMAP_CACHE`` or ``.gridmap_cache/`` under the current directory.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pyproj
import shapely
from scipy import sparse
from scipy.sparse import csgraph

from gridmap.errors import GridmapError
from gridmap.io.crs import working_crs
from gridmap.io.osm import OSM_EXPORT_HELP, osm_file_error
from gridmap.io.validate import LayerError
from gridmap.vocab import Message

__all__ = [
    "CACHE_VERSION",
    "EXCLUDED_HIGHWAYS",
    "MOTOR_ONLY_HIGHWAYS",
    "WalkNetwork",
    "cache_dir",
    "file_sha256",
    "walkable_mask",
    "walk_graph_from_xml",
    "network_from_graph",
    "load_walk_network",
]

#: Bumped whenever the filter or the cached arrays change, so old cache files are ignored.
CACHE_VERSION = "walk-v1"

#: Motor roads: excluded unless ``foot`` allows walking or a ``sidewalk`` is mapped on the way.
MOTOR_ONLY_HIGHWAYS = frozenset({"motorway", "motorway_link", "trunk", "trunk_link"})
#: Not (yet / any more) a way anyone walks on.
EXCLUDED_HIGHWAYS = frozenset({
    "construction", "proposed", "planned", "abandoned", "razed", "disused", "raceway", "bus_guideway",
    "busway", "escape", "no",
})
_FOOT_ALLOWED = frozenset({"yes", "designated", "permissive", "official"})
_FOOT_FORBIDDEN = frozenset({"no", "private", "use_sidepath"})
_ACCESS_FORBIDDEN = frozenset({"no", "private"})
_SIDEWALK_PRESENT = frozenset({"both", "left", "right", "yes"})
_EXTRA_WAY_TAGS = ("foot", "sidewalk", "access", "highway")
#: The default of :attr:`WalkNetwork.edge_highway` (a network built without OSM tags): one shared
#: object, recognised by identity and replaced in ``__post_init__`` by an empty tag per edge.
_NO_TAGS = np.empty(0, dtype=object)


@dataclass(frozen=True, eq=False)
class WalkNetwork:
    """An undirected walking network as arrays, in a projected metric CRS.

    Attributes
    ----------
    crs : pyproj.CRS
        The metric CRS of ``node_xy``.
    node_id : ndarray of int64, shape (n,)
        OSM node ids (or any ids for synthetic networks).
    node_xy : ndarray of float64, shape (n, 2)
        Node coordinates in ``crs`` (metres).
    edge_u, edge_v : ndarray of int64, shape (m,)
        Indices into the node arrays of each edge's two ends; each undirected segment once.
    edge_length : ndarray of float64, shape (m,)
        Length of each (straight) edge in metres.
    edge_highway : ndarray of object, shape (m,)
        The OSM ``highway`` value of each edge (``""`` when unknown).
    """

    crs: pyproj.CRS
    node_id: np.ndarray
    node_xy: np.ndarray
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_length: np.ndarray
    edge_highway: np.ndarray = field(default_factory=lambda: _NO_TAGS)

    def __post_init__(self) -> None:
        """Give a network built without OSM tags (a user's own lines) an empty ``highway`` tag per edge.

        Code that reads the tags (the edge table, the walkable filter) then needs no special case.
        """
        if self.edge_highway is _NO_TAGS:
            object.__setattr__(self, "edge_highway", np.full(len(self.edge_u), "", dtype=object))

    # -- construction ---------------------------------------------------------------------------
    @classmethod
    def from_arrays(cls, node_xy: np.ndarray, edge_u: np.ndarray, edge_v: np.ndarray, crs,
                    node_id: np.ndarray | None = None, edge_highway: np.ndarray | None = None) -> WalkNetwork:
        """A network from node coordinates and edge end indices; lengths are computed.

        Self-loops are dropped and repeated node pairs kept once.

        Parameters
        ----------
        node_xy : array (n, 2) of coordinates in ``crs`` (metres).
        edge_u, edge_v : int arrays (m,) of node indices.
        crs : anything ``pyproj.CRS.from_user_input`` accepts; must be projected.
        node_id : int array (n,), optional; default ``arange(n)``.
        edge_highway : str array (m,), optional.

        Returns
        -------
        WalkNetwork
        """
        crs = pyproj.CRS.from_user_input(crs)
        if crs.is_geographic:
            raise GridmapError("err_network_walknetwork_needs_projected_metric_crs")
        xy = np.ascontiguousarray(node_xy, dtype=float).reshape(-1, 2)
        u = np.asarray(edge_u, dtype=np.int64)
        v = np.asarray(edge_v, dtype=np.int64)
        hw = None if edge_highway is None else np.asarray(edge_highway, dtype=object)
        keep = u != v
        if not keep.all():
            u, v = u[keep], v[keep]
            hw = None if hw is None else hw[keep]
        lo, hi = np.minimum(u, v), np.maximum(u, v)
        _, first = np.unique(lo * np.int64(len(xy)) + hi, return_index=True)
        if len(first) < len(lo):
            first = np.sort(first)
            lo, hi = lo[first], hi[first]
            hw = None if hw is None else hw[first]
        x, y = np.ascontiguousarray(xy[:, 0]), np.ascontiguousarray(xy[:, 1])
        length = np.hypot(x[hi] - x[lo], y[hi] - y[lo])
        ids = np.arange(len(xy), dtype=np.int64) if node_id is None else np.asarray(node_id, dtype=np.int64)
        return cls(crs=crs, node_id=ids, node_xy=xy, edge_u=lo, edge_v=hi, edge_length=length,
                   edge_highway=_NO_TAGS if hw is None else hw)

    # -- sizes and derived structures ------------------------------------------------------------
    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.node_xy)

    @property
    def n_edges(self) -> int:
        """Number of undirected edges."""
        return len(self.edge_u)

    @cached_property
    def csr(self) -> sparse.csr_matrix:
        """Symmetric (n × n) CSR matrix of edge lengths; the minimum where segments are parallel.

        Zero-length edges stay as explicit zeros, which ``scipy.sparse.csgraph`` treats as edges.
        """
        return csr_with_extra(self, np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0), 0)

    @cached_property
    def component(self) -> np.ndarray:
        """Connected-component label of every node."""
        return csgraph.connected_components(self.csr, directed=False)[1]

    def edge_lines(self) -> np.ndarray:
        """Each edge as a shapely LineString (vectorised)."""
        coords = np.stack([self.node_xy[self.edge_u], self.node_xy[self.edge_v]], axis=1)
        return shapely.linestrings(coords)

    def edges_gdf(self) -> gpd.GeoDataFrame:
        """The edges as a GeoDataFrame (``u``, ``v`` node ids, ``length_m``, ``highway``) in ``crs``."""
        return gpd.GeoDataFrame({"u": self.node_id[self.edge_u], "v": self.node_id[self.edge_v],
                                 "length_m": self.edge_length, "highway": self.edge_highway},
                                geometry=self.edge_lines(), crs=self.crs)

    def nodes_gdf(self) -> gpd.GeoDataFrame:
        """The nodes as a GeoDataFrame of points (``node_id``) in ``crs``."""
        return gpd.GeoDataFrame({"node_id": self.node_id}, geometry=shapely.points(self.node_xy), crs=self.crs)

    def to_networkx(self) -> nx.Graph:
        """An undirected ``networkx.Graph`` keyed by node index, weight ``length`` (min over parallels)."""
        g = nx.Graph()
        g.add_nodes_from(range(self.n_nodes))
        order = np.argsort(-self.edge_length)  # shortest last, so it wins on parallel edges
        g.add_weighted_edges_from(zip(self.edge_u[order].tolist(), self.edge_v[order].tolist(),
                                      self.edge_length[order].tolist(), strict=True), weight="length")
        return g


def csr_with_extra(net: WalkNetwork, src: np.ndarray, dst: np.ndarray, weight: np.ndarray,
                   n_extra: int) -> sparse.csr_matrix:
    """The network's symmetric CSR matrix grown by ``n_extra`` virtual nodes with directed edges.

    Parameters
    ----------
    net : WalkNetwork
    src, dst, weight : arrays of directed extra edges (indices may refer to the virtual nodes
        ``n_nodes … n_nodes + n_extra - 1``).
    n_extra : int
        Number of virtual nodes appended.

    Returns
    -------
    scipy.sparse.csr_matrix
        Shape ``(n + n_extra, n + n_extra)``, duplicate entries reduced to their minimum, explicit
        zeros kept (built from index arrays directly, never summed).
    """
    n = net.n_nodes + n_extra
    rows = np.concatenate([net.edge_u, net.edge_v, np.asarray(src, np.int64)])
    cols = np.concatenate([net.edge_v, net.edge_u, np.asarray(dst, np.int64)])
    data = np.concatenate([net.edge_length, net.edge_length, np.asarray(weight, float)])
    fast = sparse.csr_matrix((data, (rows, cols)), shape=(n, n))  # scipy's O(nnz) conversion; sums repeats
    if fast.nnz == len(data):  # no repeated entry (the usual case: from_arrays keeps each pair once)
        return fast
    key = rows * np.int64(n) + cols
    order = np.argsort(key, kind="stable")
    key, cols, data = key[order], cols[order], data[order]
    dup = key[1:] == key[:-1]
    if dup.any():  # parallel entries: keep the shortest
        order = np.lexsort((data, key))
        key, cols, data = key[order], cols[order], data[order]
        first = np.ones(len(key), dtype=bool)
        first[1:] = key[1:] != key[:-1]
        key, cols, data = key[first], cols[first], data[first]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(key // n, minlength=n), out=indptr[1:])
    return sparse.csr_matrix((data, cols, indptr), shape=(n, n))


# ------------------------------------------------------------------------------------------------
# OSM XML → walking graph


def walkable_mask(tags: pd.DataFrame) -> np.ndarray:
    """Which OSM ways a pedestrian may use (docs/design.md §4.6), vectorised over a table of way tags.

    Kept: every ``highway`` way except

    * ``motorway``, ``trunk`` and their links — unless ``foot`` is ``yes``/``designated``/
      ``permissive`` or a ``sidewalk`` (``both``/``left``/``right``/``yes``) is tagged on the way;
    * ways not built or gone (:data:`EXCLUDED_HIGHWAYS`: ``construction``, ``proposed``, …);
    * ``foot`` = ``no``/``private``/``use_sidepath`` (the last: walk on the separately mapped sidewalk);
    * ``access`` = ``no``/``private`` unless ``foot`` explicitly allows walking.

    ``oneway`` is ignored: pedestrians walk both ways.

    Parameters
    ----------
    tags : DataFrame
        One row per way or edge with (some of) the columns ``highway``, ``foot``, ``access``,
        ``sidewalk``; missing columns count as untagged.

    Returns
    -------
    ndarray of bool
    """
    def col(name: str) -> pd.Series:
        if name not in tags:
            return pd.Series("", index=tags.index, dtype=object)
        values = tags[name].astype(object).map(lambda v: v[0] if isinstance(v, list) and v else v)
        return values.where(values.notna(), "").astype(str).str.lower()

    highway, foot, access, sidewalk = col("highway"), col("foot"), col("access"), col("sidewalk")
    foot_ok = foot.isin(_FOOT_ALLOWED)
    keep = highway.ne("") & ~highway.isin(EXCLUDED_HIGHWAYS)
    keep &= ~highway.isin(MOTOR_ONLY_HIGHWAYS) | foot_ok | sidewalk.isin(_SIDEWALK_PRESENT)
    keep &= ~foot.isin(_FOOT_FORBIDDEN)
    keep &= ~access.isin(_ACCESS_FORBIDDEN) | foot_ok
    return keep.to_numpy()


def walk_graph_from_xml(osm_path: str | os.PathLike) -> nx.MultiDiGraph:
    """The walkable ways of an OSM XML file as an unsimplified, unprojected osmnx graph.

    Every way is added in both directions (``bidirectional=True``: one-way streets are walked
    both ways), no component is dropped (``retain_all=True``: a resident on a piece of network no
    centre reaches is *reported*, not silently moved), and edges that fail :func:`walkable_mask`
    are removed together with the nodes left isolated. ``foot``, ``sidewalk`` and ``access`` are
    read as edge attributes for the filter.

    Parameters
    ----------
    osm_path : path of an ``.osm`` / ``.osm.bz2`` file (OSM XML; PBF is not supported by osmnx).

    Returns
    -------
    networkx.MultiDiGraph in EPSG:4326 (node ``x`` = lon, ``y`` = lat).
    """
    import osmnx as ox  # slow to import: only when a file is actually read

    saved = list(ox.settings.useful_tags_way)
    ox.settings.useful_tags_way = list(dict.fromkeys([*saved, *_EXTRA_WAY_TAGS]))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            g = ox.graph.graph_from_xml(Path(osm_path), bidirectional=True, simplify=False, retain_all=True)
    except Exception as exc:  # noqa: BLE001 - everything osmnx's parser raises comes from the file's content
        raise osm_file_error(osm_path, exc) from exc
    finally:
        ox.settings.useful_tags_way = saved
    edges = list(g.edges(keys=True, data=True))
    tags = pd.DataFrame.from_records([d for *_, d in edges], columns=list(_EXTRA_WAY_TAGS))
    keep = walkable_mask(tags)
    g.remove_edges_from([(u, v, k) for (u, v, k, _), ok in zip(edges, keep, strict=True) if not ok])
    g.remove_nodes_from(list(nx.isolates(g)))
    return g


def network_from_graph(graph: nx.MultiDiGraph | nx.MultiGraph | nx.Graph, crs=None) -> WalkNetwork:
    """A :class:`WalkNetwork` from an osmnx-style graph (nodes with ``x``/``y``).

    Edges carrying a ``geometry`` (simplified graphs) are split at their vertices, so that every
    edge of the result is a straight segment. Direction is dropped.

    Parameters
    ----------
    graph : networkx graph with node attributes ``x``, ``y`` in ``graph.graph["crs"]`` (default EPSG:4326).
    crs : target metric CRS; default :func:`gridmap.io.crs.working_crs` of the nodes (for OSM's
        lon/lat, the Gauss–Krüger zone in China, UTM elsewhere). Callers with layers pass their
        working CRS, so the network is measured where the user's data are.

    Returns
    -------
    WalkNetwork
    """
    src_crs = pyproj.CRS.from_user_input(graph.graph.get("crs", "EPSG:4326"))
    ids = np.fromiter(graph.nodes, dtype=np.int64, count=graph.number_of_nodes())
    xy = np.array([(d["x"], d["y"]) for _, d in graph.nodes(data=True)], dtype=float).reshape(-1, 2)
    if crs is None:
        crs = working_crs(gpd.GeoDataFrame(geometry=shapely.points(xy), crs=src_crs))
    crs = pyproj.CRS.from_user_input(crs)
    if not src_crs.equals(crs):
        xs, ys = pyproj.Transformer.from_crs(src_crs, crs, always_xy=True).transform(xy[:, 0], xy[:, 1])
        xy = np.column_stack([xs, ys])
    index = {nid: i for i, nid in enumerate(ids.tolist())}
    us, vs, hws, extra_xy = [], [], [], []
    next_id = int(ids.max()) + 1 if len(ids) else 0
    extra_ids: list[int] = []
    for u, v, data in graph.edges(data=True):
        hw = data.get("highway", "")
        hw = hw[0] if isinstance(hw, list) and hw else (hw if isinstance(hw, str) else "")
        geom = data.get("geometry")
        if geom is None or len(geom.coords) <= 2:
            us.append(index[u])
            vs.append(index[v])
            hws.append(hw)
            continue
        inner = np.asarray(geom.coords)[1:-1, :2]
        if not src_crs.equals(crs):
            ix, iy = pyproj.Transformer.from_crs(src_crs, crs, always_xy=True).transform(inner[:, 0], inner[:, 1])
            inner = np.column_stack([ix, iy])
        chain = [index[u]]
        for p in inner:
            extra_xy.append(p)
            extra_ids.append(next_id)
            chain.append(len(ids) + len(extra_ids) - 1)
            next_id += 1
        chain.append(index[v])
        us.extend(chain[:-1])
        vs.extend(chain[1:])
        hws.extend([hw] * (len(chain) - 1))
    if extra_xy:
        xy = np.vstack([xy, np.asarray(extra_xy)])
        ids = np.concatenate([ids, np.asarray(extra_ids, dtype=np.int64)])
    return WalkNetwork.from_arrays(xy, np.asarray(us, np.int64), np.asarray(vs, np.int64), crs, node_id=ids,
                                   edge_highway=np.asarray(hws, dtype=object))


# ------------------------------------------------------------------------------------------------
# cache


def cache_dir(path: str | os.PathLike | None = None) -> Path:
    """Where networks are cached: ``path``, else ``$GRIDMAP_CACHE``, else ``./.gridmap_cache``."""
    if path is not None:
        return Path(path)
    env = os.environ.get("GRIDMAP_CACHE")
    return Path(env) if env else Path.cwd() / ".gridmap_cache"


def file_sha256(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file's bytes, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def _cache_file(directory: Path, sha: str, crs: pyproj.CRS | None) -> Path:
    tag = "auto" if crs is None else hashlib.sha256(crs.to_wkt().encode()).hexdigest()[:12]
    return directory / f"{CACHE_VERSION}-{sha}-{tag}.npz"


def _save(net: WalkNetwork, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, crs=np.array(net.crs.to_wkt()), node_id=net.node_id, node_xy=net.node_xy,
                     edge_u=net.edge_u, edge_v=net.edge_v, edge_length=net.edge_length,
                     edge_highway=net.edge_highway.astype(str))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _load(path: Path) -> WalkNetwork:
    with np.load(path, allow_pickle=False) as z:
        return WalkNetwork(crs=pyproj.CRS.from_wkt(str(z["crs"])), node_id=z["node_id"], node_xy=z["node_xy"],
                           edge_u=z["edge_u"], edge_v=z["edge_v"], edge_length=z["edge_length"],
                           edge_highway=z["edge_highway"].astype(object))


def load_walk_network(osm_path: str | os.PathLike, *, crs=None, cache: str | os.PathLike | None = None,
                      use_cache: bool = True) -> WalkNetwork:
    """The walking network of an OSM XML file, from the disk cache when the file was read before.

    Parameters
    ----------
    osm_path : path of an ``.osm`` or ``.osm.bz2`` file.
    crs : metric CRS to project to (the working CRS of the layers routed on it); default
        :func:`gridmap.io.crs.working_crs` of the network's nodes.
    cache : cache directory (see :func:`cache_dir`).
    use_cache : read and write the cache (``False``: always rebuild, write nothing).

    Returns
    -------
    WalkNetwork

    Notes
    -----
    The cache key is the sha256 of the file's bytes plus :data:`CACHE_VERSION` (plus the CRS when
    one is given), so an edited file or a new filter never reuses a stale network. The file is
    written to a temporary name in the cache directory and moved into place (``os.replace``), so
    concurrent runs never read a half-written cache; an unreadable cache file is rebuilt.
    """
    osm_path = Path(osm_path)
    if not osm_path.exists():
        raise FileNotFoundError(Message("err_network_osm_file_not_found", osm_path=osm_path))
    if osm_path.is_dir():
        raise LayerError("err_osm_folder", path=osm_path)
    crs = None if crs is None else pyproj.CRS.from_user_input(crs)
    target = _cache_file(cache_dir(cache), file_sha256(osm_path), crs) if use_cache else None
    if target is not None and target.exists():
        try:
            return _load(target)
        except Exception:  # noqa: BLE001 - a damaged cache is rebuilt, never trusted
            pass
    graph = walk_graph_from_xml(osm_path)
    if graph.number_of_edges() == 0:
        raise LayerError("err_osm_no_walkable", path=osm_path, help=OSM_EXPORT_HELP)
    net = network_from_graph(graph, crs=crs)
    if target is not None:
        _save(net, target)
    return net
