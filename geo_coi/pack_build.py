"""Build a country pack from COD-AB files downloaded from HDX (``geo-coi country build DIR``).

The folder holds one file per admin level, named as HDX names them
(``mli_admbnda_adm1_1m_gov_20211220.shp``, ``bfa_admbnda_adm2_ocha_20250801.geojson``),
as shapefiles (with their ``.prj``) or GeoJSON; optionally the boundary lines
(``*_admbndl_*``) and label points (``*_admbndp_*``). :func:`build`

1. reads each level's P-code and name fields (``ADM1_PCODE``/``ADM1_FR`` or the
   lower-case ``adm1_pcode``/``adm1_name`` of newer COD-AB releases);
2. checks the levels run from ``adm0`` without a gap, that every P-code is
   unique, starts with its parent's P-code and names a unit of the level above,
   that every geometry is a valid (multi)polygon, and that the CRS is known
   (reprojecting to EPSG:4326 when it is another one);
3. writes the pack: ``boundaries/<file>.geojson`` (rows sorted by P-code, dates
   as ISO strings, full precision), empty ``aliases.csv``/``place_names.csv``
   and a ``country.toml`` with everything the files tell (codes, levels,
   fields, bbox, a Lambert conformal conic fitted to the bbox) and TODO comments
   for what they do not (names, level names, capital, credits, context).

The fast point-lookup index (``boundaries/prepared/``, :mod:`geo_coi._prepared`)
is not built here yet: :mod:`geo_coi._prepared` builds the active bundled pack
only. Without it, lookups read the GeoJSON layers.

Every problem is a :class:`~geo_coi.errors.InputError` naming the file, the row
(1-based feature number) and what to do.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from geo_coi import crs
from geo_coi.errors import InputError

if TYPE_CHECKING:
    import geopandas

LEVEL_FILE = re.compile(r"_admbnda_adm(\d)(?:_|\.|$)", re.IGNORECASE)
LINES_FILE = re.compile(r"_admbndl_", re.IGNORECASE)
POINTS_FILE = re.compile(r"_admbndp_", re.IGNORECASE)
FORMATS = (".shp", ".geojson", ".json")
SLOTS = ("country", "region", "department", "commune")
LEVEL_NAMES = {  # default display names per slot; the user edits them (Mali: cercle, Burkina Faso: province)
    "country": ({"en": "country", "fr": "pays", "nl": "land"}, {"en": "country", "fr": "pays", "nl": "land"}),
    "region": ({"en": "region", "fr": "région", "nl": "regio"}, {"en": "regions", "fr": "régions", "nl": "regio's"}),
    "department": ({"en": "department", "fr": "département", "nl": "departement"},
                   {"en": "departments", "fr": "départements", "nl": "departementen"}),
    "commune": ({"en": "commune", "fr": "commune", "nl": "gemeente"},
                {"en": "communes", "fr": "communes", "nl": "gemeenten"}),
}
_ARTICLE = re.compile(r"^(?P<name>.+?) \((?:le|la|les|l'|the)\)$", re.IGNORECASE)
_VALID_ON = ("validon", "valid_on", "date")
_AREA = ("area_sqkm",)


@dataclass
class LevelTable:
    """One admin level as read: its source file, table and field names."""

    depth: int
    source: Path
    frame: geopandas.GeoDataFrame
    pcode_field: str
    name_field: str
    other_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class BuiltPack:
    """What :func:`build` wrote."""

    folder: Path
    iso3: str
    counts: dict
    notes: tuple[str, ...]


def build(source, out=None, iso3: str | None = None, language: str = "FR") -> BuiltPack:
    """Turn a folder of COD-AB files into a country pack.

    Parameters
    ----------
    source : path-like
        Folder with one ``*_admbnda_adm<n>_*`` file (``.shp`` or ``.geojson``) per level.
    out : path-like, optional
        The pack folder to write; default ``./<iso3>`` (lower case). Must not hold a pack yet.
    iso3 : str, optional
        ISO3 code; default the three letters the HDX file names start with.
    language : str
        Suffix of the COD-AB name fields (``ADM1_FR``); default ``FR``.

    Returns
    -------
    BuiltPack

    Raises
    ------
    InputError
        A level is missing, P-codes do not nest, a geometry is invalid, the CRS is unknown, ...
    """
    source = Path(source)
    if not source.is_dir():
        raise InputError(f"{source}: not a folder; give the folder holding the COD-AB files")
    files = _level_files(source)
    notes: list[str] = []
    levels: dict[int, LevelTable] = {}
    for depth, path in sorted(files.items()):
        levels[depth] = _read_level(path, depth, language.upper(), levels, notes)
    code = _iso3(iso3, files[0])
    folder = Path(out) if out is not None else Path.cwd() / code.lower()
    _check_out(folder)
    (folder / "boundaries").mkdir(parents=True, exist_ok=True)
    written = {depth: _write(level.frame, folder, level.source, level.pcode_field) for depth, level in levels.items()}
    extras = {}
    for role, pattern in (("lines", LINES_FILE), ("label_points", POINTS_FILE)):
        extra = _optional_file(source, pattern)
        if extra is not None:
            extras[role] = _write(_read_geographic(extra, notes), folder, extra)
    for name, header in (("aliases.csv", "alias,level,pcode,name,note\n"), ("place_names.csv",
                                                                            "spelling,display,source\n")):
        (folder / name).write_text(header, encoding="utf-8")
    notes.append("fast point-lookup index not built (geo_coi._prepared builds bundled packs only)")
    (folder / "country.toml").write_text(_toml(code, language.upper(), levels, written, extras, source),
                                         encoding="utf-8")
    counts = {f"adm{depth}": len(level.frame) for depth, level in levels.items()}
    return BuiltPack(folder=folder, iso3=code, counts=counts, notes=tuple(notes))


# --- finding and reading the files ------------------------------------------------
def _level_files(source: Path) -> dict[int, Path]:
    found: dict[int, list[Path]] = {}
    for path in sorted(source.iterdir()):
        match = LEVEL_FILE.search(path.name)
        if match and path.suffix.lower() in FORMATS:
            found.setdefault(int(match[1]), []).append(path)
    if not found:
        raise InputError(f"{source}: no COD-AB admin boundary file (*_admbnda_adm<n>_*.shp or .geojson, as "
                         "downloaded from HDX); put one file per admin level in the folder")
    for depth, paths in found.items():
        if len(paths) > 1:
            raise InputError(f"{source}: {len(paths)} files for adm{depth} ({', '.join(p.name for p in paths)}); "
                             "keep one per level")
    deepest = max(found)
    for depth in range(deepest + 1):
        if depth not in found:
            have = ", ".join(f"adm{d} ({found[d][0].name})" for d in sorted(found))
            raise InputError(f"{source}: level adm{depth} is missing (found {have}); add its "
                             f"*_admbnda_adm{depth}_* file from the same COD-AB download")
    if deepest < 1:
        raise InputError(f"{source}: only adm0 found; a pack needs at least the adm1 file")
    if deepest >= len(SLOTS):
        raise InputError(f"{source}: adm{deepest} found; geo_coi packs stop at adm{len(SLOTS) - 1}, "
                         f"remove the finer files")
    return {depth: paths[0] for depth, paths in found.items()}


def _optional_file(source: Path, pattern: re.Pattern) -> Path | None:
    paths = [p for p in sorted(source.iterdir()) if pattern.search(p.name) and p.suffix.lower() in FORMATS]
    return paths[0] if paths else None


def _read_geographic(path: Path, notes: list[str]):
    """A file as a GeoDataFrame in EPSG:4326 (reprojected when its .prj says another CRS)."""
    import geopandas as gpd
    from pyogrio import errors

    try:
        frame = gpd.read_file(path, engine="pyogrio")
    except (errors.DataLayerError, errors.DataSourceError, errors.FieldError, errors.GeometryError, OSError) as exc:
        raise InputError(f"{path}: cannot read it as a shapefile or GeoJSON ({type(exc).__name__}: "
                         f"{str(exc).splitlines()[0] if str(exc) else ''}); download it again") from None
    if frame.crs is None:
        west, south, east, north = frame.total_bounds
        if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
            raise InputError(f"{path.name}: no .prj and the coordinates (x {west:.0f} to {east:.0f}, y {south:.0f} "
                             f"to {north:.0f}) are not longitude/latitude: its CRS is unknown; add the .prj of "
                             f"the download, or export the layer in EPSG:4326")
        notes.append(f"{path.name}: no CRS given; the coordinates are longitude/latitude, read as EPSG:4326")
        return frame.set_crs(4326)
    if not frame.crs.equals("EPSG:4326", ignore_axis_order=True):
        notes.append(f"{path.name}: reprojected from {frame.crs.to_string()} to EPSG:4326")
        return frame.to_crs(4326)
    return frame.set_crs(4326, allow_override=True)


def _read_level(path: Path, depth: int, language: str, parents: dict, notes: list[str]) -> LevelTable:
    frame = _read_geographic(path, notes)
    fields = {column.lower(): column for column in frame.columns if column != "geometry"}
    pcode = _field(fields, path, f"ADM{depth}_PCODE", f"adm{depth}_pcode")
    name = _field(fields, path, f"ADM{depth}_{language}", f"adm{depth}_name")
    for parent in parents.values():  # the ancestors' fields, spelled as in their own files
        for wanted in (parent.pcode_field, parent.name_field):
            frame = frame.rename(columns={_field(fields, path, wanted): wanted})
    if pcode in (parent.pcode_field for parent in parents.values()):
        raise InputError(f"{path.name}: its P-code field {pcode} is that of a coarser level; is the file misnamed?")
    _check_rows(frame, path, depth, pcode, name, parents)
    others = tuple(c for c in frame.columns if re.fullmatch(rf"adm{depth}_(name\d*|[a-z]{{2}})", c, re.IGNORECASE)
                   and c != name)
    return LevelTable(depth, path, frame, pcode, name, others)


def _field(fields: dict, path: Path, *wanted: str) -> str:
    for name in wanted:
        if name.lower() in fields:
            return fields[name.lower()]
    raise InputError(f"{path.name}: no field {' or '.join(wanted)} (fields: {', '.join(fields.values())}); "
                     "is this a COD-AB admin boundary file? give --language if the names are not in French")


def _check_rows(frame, path: Path, depth: int, pcode: str, name: str, parents: dict) -> None:
    import shapely

    codes = frame[pcode].fillna("").astype(str).str.strip()
    for row, value in enumerate(codes, start=1):
        if not value:
            raise InputError(f"{path.name}: row {row}: {pcode} is empty; every unit needs its P-code")
    duplicated = codes[codes.duplicated()]
    if len(duplicated):
        row = int(duplicated.index[0]) + 1
        raise InputError(f"{path.name}: row {row}: P-code {duplicated.iloc[0]} appears twice in {pcode}; "
                         "each unit must have one row (dissolve the parts)")
    if depth == 0 and len(codes) != 1:
        raise InputError(f"{path.name}: {len(codes)} rows; the adm0 file must hold one country")
    if frame[name].isna().any():
        row = int(frame[name].isna().to_numpy().nonzero()[0][0]) + 1
        raise InputError(f"{path.name}: row {row}: {name} is empty; every unit needs its name")
    _check_geometry(frame, path, codes, shapely)
    if depth == 0:
        return
    parent = parents[depth - 1]
    known = set(parent.frame[parent.pcode_field])
    for row, (value, above) in enumerate(zip(codes, frame[parent.pcode_field], strict=False), start=1):
        if above not in known:
            raise InputError(f"{path.name}: row {row}: P-code {value}: its {parent.pcode_field} {above!r} is not "
                             f"a P-code of {parent.source.name}; the files do not nest (same COD-AB release?)")
        if not value.startswith(str(above)):
            raise InputError(f"{path.name}: row {row}: P-code {value} does not start with its parent's P-code "
                             f"{above} ({parent.pcode_field}); the P-codes do not nest")


def _check_geometry(frame, path: Path, codes, shapely) -> None:
    geometries = frame.geometry.values
    for row, (geometry, value) in enumerate(zip(geometries, codes, strict=False), start=1):
        if geometry is None or geometry.is_empty:
            raise InputError(f"{path.name}: row {row}: P-code {value} has no geometry; download the file again")
        if geometry.geom_type not in ("Polygon", "MultiPolygon"):
            raise InputError(f"{path.name}: row {row}: P-code {value} is a {geometry.geom_type}, not a polygon; "
                             "is this the admin boundary (admbnda) file?")
    invalid = ~shapely.is_valid(geometries)
    if invalid.any():
        row = int(invalid.nonzero()[0][0])
        raise InputError(f"{path.name}: row {row + 1}: P-code {codes.iloc[row]} has an invalid geometry "
                         f"({shapely.is_valid_reason(geometries[row])}); repair it (QGIS 'Fix geometries', "
                         "ogr2ogr -makevalid) and build again")


def _iso3(given: str | None, adm0: Path) -> str:
    code = given or adm0.name[:3]
    if not re.fullmatch(r"[A-Za-z]{3}", code or "") or (given is None and not adm0.name[3:4] == "_"):
        raise InputError(f"{adm0.name}: cannot tell the ISO3 code from the file name; give --iso3")
    return code.upper()


def _check_out(folder: Path) -> None:
    if (folder / "country.toml").exists():
        raise InputError(f"{folder}: already holds a country pack (country.toml); remove it or choose --out")


# --- writing ----------------------------------------------------------------------
def _write(frame, folder: Path, source: Path, sort_by: str | None = None) -> str:
    """Write ``frame`` as ``boundaries/<source stem>.geojson`` (sorted by ``sort_by``, dates as text)."""
    import pandas as pd

    frame = frame.copy()
    for column in frame.columns:
        if column != "geometry" and pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].dt.strftime("%Y-%m-%d")
    if sort_by is not None:
        frame = frame.sort_values(sort_by, ignore_index=True)
    relative = f"boundaries/{source.stem.lower()}.geojson"
    frame.to_file(folder / relative, driver="GeoJSON", engine="pyogrio")
    return relative


def _toml(iso3: str, language: str, levels: dict, written: dict, extras: dict, source: Path) -> str:
    adm0 = levels[0]
    official = str(adm0.frame[adm0.name_field].iloc[0])
    article = _ARTICLE.match(official)
    name = article["name"] if article else official
    pcode = str(adm0.frame[adm0.pcode_field].iloc[0])
    bbox = _bbox(adm0.frame.total_bounds)

    vintage = _first_value(adm0.frame, _VALID_ON)
    year = vintage[:4] if vintage else "YEAR"
    lines = [
        f"# Country pack: {name}. Written by `geo-coi country build` from the COD-AB files of {source.name}/.",
        f"# Complete the TODO lines, then copy this folder to geo_coi/countries/{iso3.lower()}/ (see country.py).",
        f'iso3 = "{iso3}"',
        f'iso2 = "{pcode}"' if len(pcode) == 2 else f'iso2 = "{pcode[:2]}"  # TODO check: the adm0 P-code is {pcode}',
        f'pcode_prefix = "{pcode}"',
        f'name_language = "{language}"',
        f"name_fixes = {{ {_q(official)} = {_q(name)} }}" if article else "name_fixes = {}",
        "",
        "# TODO the country's name per language.",
        "[name]",
        *(f"{lang} = {_q(name)}" for lang in ("en", "fr", "nl")),
        "",
        "[map]",
        "# Lambert conformal conic fitted to the country: standard parallels at 1/6 and 5/6 of its latitude",
        "# range, origin at its middle. TODO check the scale error over the country.",
        f'crs = "{crs.fitted_lcc(bbox)}"',
        f"bbox = {_list(bbox)}",
        f"swap_box = {_list(_swap_box(bbox))}",
        "",
        "[boundaries]",
        f'credit = "Boundaries: TODO producer / OCHA COD-AB ({year}), via HDX (CC BY-IGO 3.0)"',
        f'vintage = "{vintage or "TODO YYYY-MM-DD"}"',
    ]
    area = _first_field(levels[max(levels)].frame, _AREA)
    if area and area != "AREA_SQKM":
        lines.append(f'area_field = "{area}"')
    lines += [f'{role} = "{path}"' for role, path in sorted(extras.items())]
    lines.append("# TODO prepared = \"boundaries/prepared\" once the fast index is built for this pack.")
    for depth, level in sorted(levels.items()):
        slot = SLOTS[depth]
        names, plural = LEVEL_NAMES[slot]
        lines += ["", "[[levels]]", f'key = "adm{depth}"', f'slot = "{slot}"', f'file = "{written[depth]}"']
        if level.pcode_field != f"ADM{depth}_PCODE":
            lines.append(f'pcode_field = "{level.pcode_field}"')
        if level.name_field != f"ADM{depth}_{language}":
            lines.append(f'name_field = "{level.name_field}"')
        if level.other_names:
            lines.append(f"# other name fields: {', '.join(level.other_names)}")
        if depth:
            lines.append("# TODO the level's name as the country calls it (e.g. cercle, province).")
        lines += [f"names = {_table(names)}", f"plural = {_table(plural)}"]
    lines += [
        "",
        "# TODO the capital: its unit and, where the data allow, its sub-units (see geo_coi/country.py).",
        "# [capital]",
        '# name = "..."',
        '# pcode = "..."',
        '# level = "adm1"',
        "",
        "# TODO Natural Earth context layers clipped to the country (see a bundled pack's [context]).",
        "",
        "[files]",
        'aliases = "aliases.csv"',
        'place_names = "place_names.csv"',
        "",
    ]
    return "\n".join(lines)


def _bbox(bounds) -> list[float]:
    west, south, east, north = (float(v) for v in bounds)
    return [math.floor(west * 100) / 100, math.floor(south * 100) / 100,
            math.ceil(east * 100) / 100, math.ceil(north * 100) / 100]


def _swap_box(bbox: list[float]) -> list[float]:
    west, south, east, north = bbox
    return [math.floor((west - 0.5) * 10) / 10, math.floor((south - 0.5) * 10) / 10,
            math.ceil((east + 0.5) * 10) / 10, math.ceil((north + 0.5) * 10) / 10]


def _first_field(frame, names) -> str | None:
    lower = {column.lower(): column for column in frame.columns}
    return next((lower[name] for name in names if name in lower), None)


def _first_value(frame, names) -> str | None:
    import pandas as pd

    field = _first_field(frame, names)
    if field is None or frame[field].isna().all():
        return None
    try:  # a Date field, or text such as 2021-12-20 or 2021/12/20
        return pd.Timestamp(frame[field].dropna().iloc[0]).strftime("%Y-%m-%d")
    except ValueError:
        return None


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _list(values) -> str:
    return "[" + ", ".join(f"{v:g}" for v in values) + "]"


def _table(names: dict) -> str:
    return "{ " + ", ".join(f"{key} = {_q(value)}" for key, value in names.items()) + " }"
