"""A two-level grid over polygons for fast, exact point-in-polygon assignment.

:func:`geo_coi.admin_index.lookup` uses it for large inputs. The answer for a
point is the lowest index among the polygons it *intersects* (boundary
included), the rule of ``geopandas.sjoin(..., predicate="intersects")`` plus
"lowest P-code wins" when the polygons are sorted by P-code.

How it stays exact
------------------
Every coordinate maps to a fine cell with one function, :func:`_cell`
(``floor((x - origin) / size)``, monotonic in ``x``); a coarse cell is
``FACTOR`` x ``FACTOR`` fine cells. Each polygon ring is cut into pieces no
longer than a fine cell, and every fine cell that the bounding box of a
piece, widened by a margin far above the rounding of its computed end points
(:func:`_margin`: :data:`_EPS` degrees, more for large coordinates), maps to
is marked, however many cells that is. GEOS decides "on the boundary" exactly
(robust predicates), so a point it finds on a ring lies on one real piece,
inside that widened box, hence in a marked cell. An unmarked cell (a
rectangle: points with the same index) thus contains no boundary point: the
whole cell is in the interior of the same polygons, or outside all.
Connected unmarked cells share one answer, computed once with the exact GEOS
test at one cell centre of the component. Points outside the polygons'
bounding box (NaN and infinities included) are outside all. At query time:

1. coarse cell unmarked -> its answer;
2. else fine cell unmarked -> its answer;
3. else the exact test (``STRtree.query`` by bounding box, then GEOS
   ``intersects`` against the prepared polygons, what sjoin does), for the few
   points near a boundary.
"""

from __future__ import annotations

import numpy as np

from geo_coi.errors import InputError

FACTOR = 8  # fine cells per coarse cell along each axis
COARSE_DEG = 0.01  # coarse cell size in degrees (~1.1 km near the equator)
CHUNK = 1_000_000  # points per vectorised pass, bounds temporary memory
_EPS = 1e-9  # degrees (~0.1 mm) added around boundary pieces, covers rounding
_OUTSIDE = -1
_MIXED = -2


def exact_lookup(tree, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Lowest index of the tree geometries each point intersects, ``-1`` if none.

    Parameters
    ----------
    tree : shapely.STRtree
        Over the polygons, in the order whose indices are returned.
    lon, lat : numpy.ndarray of float64

    Returns
    -------
    numpy.ndarray of int64
    """
    import shapely

    none = np.iinfo("int64").max
    result = np.full(len(lon), none, dtype="int64")
    # Candidates by bounding box, then the exact test against prepared polygons (GEOS
    # prepared predicates, several times faster than the tree's own predicate test on
    # unprepared polygons; same answers). Preparing is done once per polygon.
    polygons = tree.geometries
    shapely.prepare(polygons)
    point_idx, unit_idx = tree.query(shapely.points(lon, lat))
    hit = shapely.intersects_xy(polygons[unit_idx], lon[point_idx], lat[point_idx])
    point_idx, unit_idx = point_idx[hit], unit_idx[hit]
    np.minimum.at(result, point_idx, unit_idx)
    result[result == none] = _OUTSIDE
    return result


class GridIndex:
    """Two-level grid over polygons answering like :func:`exact_lookup`.

    Build it with :meth:`build`; :meth:`to_arrays` / :meth:`from_arrays` store
    and restore it (see :mod:`geo_coi._prepared`).

    Parameters
    ----------
    tree : shapely.STRtree
        Over the polygons, for the exact test near boundaries.
    bounds : tuple of float
        ``(minx, miny, maxx, maxy)`` of the polygons; points outside get -1.
    origin : tuple of float
        Lower-left corner of the grid.
    size : float
        Fine cell size in degrees.
    coarse : numpy.ndarray of int32, shape (rows, cols)
        Answer per coarse cell; ``-2 - b`` points to fine block ``b``.
    blocks : numpy.ndarray of int16 (int32 beyond 32,767 polygons), shape (n, FACTOR, FACTOR)
        Answer per fine cell of a block; ``-2`` = exact test needed.
    """

    def __init__(self, tree, bounds, origin, size, coarse, blocks):
        self.tree = tree
        self.bounds = tuple(float(v) for v in bounds)
        self.origin = tuple(float(v) for v in origin)
        self.size = float(size)
        self.coarse = coarse
        self.blocks = blocks

    @classmethod
    def build(cls, polygons, tree=None, coarse_deg: float = COARSE_DEG) -> GridIndex:
        """Index ``polygons``.

        Parameters
        ----------
        polygons : numpy.ndarray of shapely (Multi)Polygons
            In answer order (index ``i`` is answered as ``i``).
        tree : shapely.STRtree, optional
            Over ``polygons``; built if not given.
        coarse_deg : float
            Coarse cell size, in the polygons' units (degrees).

        Raises
        ------
        InputError
            If ``coarse_deg`` is not larger than the rounding margin.
        """
        import shapely

        tree = tree if tree is not None else shapely.STRtree(polygons)
        minx, miny, maxx, maxy = (float(v) for v in shapely.total_bounds(polygons))
        margin = _margin((minx, miny, maxx, maxy))
        if not coarse_deg > margin:
            raise InputError(
                f"GridIndex.build: coarse_deg={coarse_deg!r} must exceed the rounding margin {margin:g}; "
                f"use a larger cell (default {COARSE_DEG})"
            )
        size = coarse_deg / FACTOR
        # One coarse cell of padding (> margin) so every point inside the bounds,
        # and every widened ring piece, has a cell at a non-negative index.
        origin = (minx - coarse_deg, miny - coarse_deg)
        shape = (int(np.ceil((maxy - miny) / coarse_deg)) + 3, int(np.ceil((maxx - minx) / coarse_deg)) + 3)
        fine_ids = _marked_fine_cells(polygons, origin, size, shape, margin)
        grid = cls(tree, (minx, miny, maxx, maxy), origin, size, np.empty(shape, "int32"), None)
        grid.coarse, grid.blocks = grid._classify(fine_ids, len(polygons))
        return grid

    def to_arrays(self) -> dict:
        """The index as plain numpy arrays (without the tree)."""
        return {
            "bounds": np.array(self.bounds),
            "origin": np.array(self.origin),
            "size": np.array(self.size),
            "coarse": self.coarse,
            "blocks": self.blocks,
        }

    @classmethod
    def from_arrays(cls, arrays, tree) -> GridIndex:
        """Inverse of :meth:`to_arrays`, given the STRtree over the same polygons."""
        return cls(
            tree,
            arrays["bounds"],
            arrays["origin"],
            arrays["size"],
            np.asarray(arrays["coarse"]),
            np.asarray(arrays["blocks"]),
        )

    def lookup(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Lowest polygon index each point intersects, ``-1`` if none.

        Parameters
        ----------
        lon, lat : array-like of float
            1-D, same length; NaN, infinities and points outside the bounds give -1.

        Returns
        -------
        numpy.ndarray of int64
            The answers of :func:`exact_lookup`, read off the grid where no
            boundary is near; memory is bounded by :data:`CHUNK` points at a time.
        """
        lon = np.asarray(lon, dtype="float64")
        lat = np.asarray(lat, dtype="float64")
        result = np.empty(len(lon), dtype="int64")
        for start in range(0, len(lon), CHUNK):
            part = slice(start, start + CHUNK)
            result[part] = self._lookup_chunk(lon[part], lat[part])
        return result

    def _lookup_chunk(self, lon, lat):
        minx, miny, maxx, maxy = self.bounds
        inside = (lon >= minx) & (lon <= maxx) & (lat >= miny) & (lat <= maxy)
        if inside.all():
            x, y = lon, lat
        else:
            x, y = lon[inside], lat[inside]
        col = _cell(x, self.origin[0], self.size)
        row = _cell(y, self.origin[1], self.size)
        ncol = self.coarse.shape[1]
        answer = self.coarse.ravel().take((row // FACTOR) * ncol + col // FACTOR)
        in_block = np.flatnonzero(answer <= _MIXED)
        block = _MIXED - answer[in_block]
        fine = (block * FACTOR + row[in_block] % FACTOR) * FACTOR + col[in_block] % FACTOR
        answer[in_block] = self.blocks.ravel().take(fine)
        near = np.flatnonzero(answer == _MIXED)
        answer[near] = exact_lookup(self.tree, x[near], y[near])
        if x is lon:
            return answer.astype("int64")
        result = np.full(len(lon), _OUTSIDE, dtype="int64")
        result[inside] = answer
        return result

    def _classify(self, fine_ids, n_polygons):
        """Coarse answers (``<= -2`` pointing to a block) and fine blocks (``-2`` = exact test).

        Blocks are int16 (smaller file) while every polygon index fits, else int32.
        """
        from scipy import ndimage

        nrow, ncol = self.coarse.shape
        fine_row, fine_col = np.divmod(fine_ids, ncol * FACTOR)
        coarse_ids = (fine_row // FACTOR) * ncol + fine_col // FACTOR
        mixed = _sorted_unique(coarse_ids)
        marked = np.zeros((len(mixed), FACTOR, FACTOR), dtype=bool)
        marked[np.searchsorted(mixed, coarse_ids), fine_row % FACTOR, fine_col % FACTOR] = True

        coarse_marked = np.zeros(nrow * ncol, dtype=bool)
        coarse_marked[mixed] = True
        coarse_marked = coarse_marked.reshape(self.coarse.shape)
        coarse = self._answer_components(~coarse_marked, ndimage.label(~coarse_marked)[0], FACTOR)
        coarse[coarse_marked] = _MIXED - np.arange(len(mixed))

        # Components inside each block only (no connection along the block axis).
        structure = np.zeros((3, 3, 3), dtype=bool)
        structure[1] = ndimage.generate_binary_structure(2, 1)
        labels = ndimage.label(~marked, structure=structure)[0]
        blocks = self._answer_components(~marked, labels, 1, block_ids=mixed)
        blocks[marked] = _MIXED
        block_dtype = "int16" if n_polygons <= np.iinfo("int16").max else "int32"
        return coarse.astype("int32"), blocks.astype(block_dtype)

    def _answer_components(self, free, labels, scale, block_ids=None):
        """Exact answer at one cell centre per labelled component, spread over the component.

        ``scale`` is the number of fine cells per labelled cell along an axis.
        """
        # Any one cell of each component will do (label 0 = marked cells, skipped).
        first = np.empty(labels.max() + 1, dtype="int64")
        first[labels.ravel()] = np.arange(labels.size)
        first = first[1:]
        if block_ids is None:
            row, col = np.unravel_index(first, labels.shape)
        else:
            block, sub_row, sub_col = np.unravel_index(first, labels.shape)
            block_row, block_col = np.divmod(block_ids[block], self.coarse.shape[1])
            row, col = block_row * FACTOR + sub_row, block_col * FACTOR + sub_col
        # Centre of the cell, in fine-cell units from the origin.
        x = self.origin[0] + (col * scale + scale / 2) * self.size
        y = self.origin[1] + (row * scale + scale / 2) * self.size
        answers = np.concatenate([[_OUTSIDE], exact_lookup(self.tree, x, y)])
        out = answers[labels]
        out[~free] = _OUTSIDE
        return out


def _cell(x, origin: float, size: float) -> np.ndarray:
    """Fine cell index of coordinates ``x``: the one mapping used everywhere.

    ``(x - origin) / size`` truncated to int32, i.e. floored, because every
    ``x`` it is given lies above ``origin``: query points inside the polygons'
    bounds (the others never reach it), ring pieces widened by less than the
    coarse cell of padding. Monotonic in ``x``.
    """
    return ((x - origin) / size).astype("int32")


def _marked_fine_cells(polygons, origin, size, shape, margin) -> np.ndarray:
    """Sorted unique flat ids (row * ncol_fine + col) of fine cells touched by any ring.

    Every cell that the bounding box of a ring piece, widened by ``margin``,
    maps to is included, however many cells that box spans.
    """
    import shapely

    rings = shapely.get_parts(shapely.boundary(polygons))
    coords, line = shapely.get_coordinates(rings, return_index=True)
    same = line[1:] == line[:-1]
    start, end = coords[:-1][same], coords[1:][same]
    # Cut every segment into pieces spanning at most one fine cell per axis.
    span = np.abs(end - start).max(axis=1) / size
    pieces = np.maximum(np.ceil(span), 1).astype("int64")
    seg = np.repeat(np.arange(len(start)), pieces)
    k = np.arange(len(seg)) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    t0 = (k / pieces[seg])[:, None]
    t1 = ((k + 1) / pieces[seg])[:, None]
    delta = end[seg] - start[seg]
    a, b = start[seg] + t0 * delta, start[seg] + t1 * delta
    low, high = np.minimum(a, b) - margin, np.maximum(a, b) + margin
    col_lo, col_hi = (_cell(v[:, 0], origin[0], size).astype("int64") for v in (low, high))
    row_lo, row_hi = (_cell(v[:, 1], origin[1], size).astype("int64") for v in (low, high))
    ncol_fine = shape[1] * FACTOR
    # 3 cells per axis with the default sizes; more when the margin is not small against a cell.
    reach = int(max((row_hi - row_lo).max(initial=0), (col_hi - col_lo).max(initial=0))) + 1
    ids = []
    for dr in range(reach):
        for dc in range(reach):
            keep = (row_lo + dr <= row_hi) & (col_lo + dc <= col_hi)
            ids.append((row_lo[keep] + dr) * ncol_fine + col_lo[keep] + dc)
    return _sorted_unique(np.concatenate(ids))


def _margin(bounds) -> float:
    """Degrees added around ring pieces: :data:`_EPS`, or more for large coordinates.

    Computing a piece's end points rounds by a few units in the last place of
    the largest coordinate; the margin must stay far above that (1e-12
    relative is thousands of them). For degrees it is always :data:`_EPS`.
    """
    return max(_EPS, 1e-12 * float(np.max(np.abs(bounds))))


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` for int arrays, by sorting (faster here than numpy 2's hashing)."""
    values = np.sort(values)
    return values[np.concatenate([[True], values[1:] != values[:-1]])]
