"""Cross-border maps: admin1 units of several country packs and their events on one map.

A report config lists the units by P-code across packs::

    [regions.liptako_gourma]
    units = ["NE006", "NE005", "ML07", "ML10", "ML05", "ML06", "BF64", "BF59", "BF54"]
    events = { NER = "../../../data/demo/niger_acled_SYNTHETIC_2023-05-01_2025-05-30.csv" }

Each P-code names its pack by prefix (``country.toml``'s ``pcode_prefix``). The events of the
config's own country come from its events file; those of the others from ``events`` (one file per
ISO3), each read and joined with its own pack active. :func:`cross_border_map` draws every
country's units (its own tint), the other parts of the countries in grey and the events by type,
in a Lambert conformal conic fitted to the units; the credit lines name every boundary and event
source. :func:`cross_border_table` gives the figures per country and admin1 unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from geo_coi.errors import ConfigError

COUNTRY_TINTS = ("#f3e3c3", "#dcead2", "#dfe3f0", "#f0dcdc")  # one pale fill per country, in ISO3 order


@dataclass(frozen=True)
class CrossBorderRegion:
    """``[regions.<name>]`` of a report config: admin1 P-codes across packs and events per ISO3."""

    name: str
    units: tuple[str, ...]
    events: dict = field(default_factory=dict)
    title: str = ""


def pack_of(pcode: str) -> str:
    """ISO3 code of the bundled pack whose P-codes start like ``pcode``.

    Raises
    ------
    ConfigError
        No pack has that prefix.
    """
    from geo_coi import country

    for code in country.bundled():
        if pcode.startswith(country.get(code).pcode_prefix):
            return code
    raise ConfigError(f"P-code {pcode!r} belongs to no bundled country pack ({', '.join(country.bundled())})")


def units(region: CrossBorderRegion):
    """The region's admin1 units (``iso3``, ``country``, ``pcode``, ``name``, geometry; EPSG:4326), sorted."""
    import geopandas as gpd
    import pandas as pd

    from geo_coi import boundaries, country

    frames = []
    for iso3 in sorted({pack_of(p) for p in region.units}):
        wanted = [p for p in region.units if pack_of(p) == iso3]
        layer = boundaries.load("region", iso3)
        missing = sorted(set(wanted) - set(layer["pcode"]))
        if missing:
            raise ConfigError(f"regions.{region.name}.units: {', '.join(missing)} are not regions of "
                              f"{country.get(iso3).name()} (its pack has {', '.join(layer['pcode'][:3])}, ...)")
        part = layer[layer["pcode"].isin(wanted)][["pcode", "name", "geometry"]]
        frames.append(part.assign(iso3=iso3, country=country.get(iso3).name()))
    frame = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=4326).sort_values(["iso3", "pcode"], ignore_index=True)


def region_crs(shapes):
    """A Lambert conformal conic fitted to ``shapes`` (standard parallels at 1/6 and 5/6 of its latitudes)."""
    from pyproj import CRS

    west, south, east, north = shapes.to_crs(4326).total_bounds
    span = north - south
    return CRS.from_proj4(f"+proj=lcc +lat_0={(south + north) / 2:.2f} +lon_0={(west + east) / 2:.2f} "
                          f"+lat_1={south + span / 6:.2f} +lat_2={north - span / 6:.2f} +x_0=0 +y_0=0 "
                          "+datum=WGS84 +units=m +no_defs")


def joined_events(region: CrossBorderRegion, own_iso3: str, own_events, date_format=None) -> dict:
    """``{iso3: joined events}``: the config's own (already joined) and each other pack's file, joined in its pack."""
    from geo_coi import country
    from geo_coi.join import join_admin
    from geo_coi.sources import read_events

    result = {own_iso3: own_events}
    for iso3 in sorted({pack_of(p) for p in region.units} - {own_iso3}):
        path = region.events.get(iso3)
        if path is None:
            continue
        with country.use(iso3):
            result[iso3] = join_admin(read_events(path, date_format=date_format).events).events
    return result


def cross_border_table(region: CrossBorderRegion, events: dict, period=None, event_types=None):
    """Incidents and fatalities per country and admin1 unit of the region (zeros included).

    Columns ``country``, ``iso3``, ``region_pcode``, ``region``, ``incidents``, ``fatalities``,
    ``events_file`` (whether that country's events were given); a last row per country is its total.
    """
    import pandas as pd

    from geo_coi.events import select

    rows = []
    for unit in units(region).itertuples():
        chosen = events.get(unit.iso3)
        if chosen is not None:
            chosen = select(chosen, period=period, event_types=event_types)
            chosen = chosen[chosen["region_pcode"] == unit.pcode]
        rows.append({"country": unit.country, "iso3": unit.iso3, "region_pcode": unit.pcode, "region": unit.name,
                     "incidents": None if chosen is None else len(chosen),
                     "fatalities": None if chosen is None else int(chosen["fatalities"].fillna(0).sum()),
                     "events_file": chosen is not None})
    table = pd.DataFrame(rows)
    table[["incidents", "fatalities"]] = table[["incidents", "fatalities"]].astype("Int64")
    return table


def cross_border_map(region: CrossBorderRegion, events: dict, period=None, event_types=None, *, language="en",
                     out=None, dpi=None, credits=()):
    """One map of the region: each country's units in its tint, the events by type, a legend and every credit.

    Parameters
    ----------
    region : CrossBorderRegion
    events : dict of str -> geopandas.GeoDataFrame
        Joined events per ISO3 (:func:`joined_events`).
    period, event_types : optional
        What is drawn (:func:`geo_coi.events.select`).
    language, out, dpi, credits
        As :func:`geo_coi.maps.annex_maps.annex1`.

    Returns
    -------
    geo_coi.maps.page.MapResult
        The figure and the files written (labels are placed but not handed back).
    """
    import pandas as pd
    from matplotlib.patches import Patch

    from geo_coi import boundaries, country
    from geo_coi.events import select
    from geo_coi.maps import admin, captions, layout, markers
    from geo_coi.maps.page import MapResult
    from geo_coi.style import ADMIN_EDGE, COUNTRY_FILL, event_credit, label, localized_credit

    shapes = units(region)
    proj = region_crs(shapes)
    drawn = shapes.to_crs(proj)
    title = label(region.title or f"region_title:{region.name}", language)
    chosen = {iso3: select(frame, period=period, event_types=event_types) for iso3, frame in sorted(events.items())}
    shown = pd.concat([frame[frame["region_pcode"].isin(drawn["pcode"])] for frame in chosen.values()])
    page = layout.new_page(title, captions.subtitle(shown, period, language), "A4-landscape")
    layout.set_extent(page.ax, admin.padded(drawn.total_bounds, 0.04))
    page.ax.set_facecolor(COUNTRY_FILL)
    handles, names, lines = [], [], []
    for i, iso3 in enumerate(sorted(set(shapes["iso3"]))):
        whole = boundaries.load("country", iso3).to_crs(proj)
        whole.plot(ax=page.ax, color="#f7f7f7", edgecolor="#555555", linewidth=0.9, zorder=1.5, gid=f"country:{iso3}")
        own = drawn[drawn["iso3"] == iso3]
        tint = COUNTRY_TINTS[i % len(COUNTRY_TINTS)]
        own.plot(ax=page.ax, color=tint, edgecolor=ADMIN_EDGE, linewidth=0.8, zorder=2, gid=f"units:{iso3}")
        for row in own.itertuples():
            point = layout.label_point(row.geometry)
            page.labels.append(layout.LabelItem(point.x, point.y, layout.letter_spaced(row.name.upper(), wide=True),
                                                priority=1, kind="area", style=admin.AREA_LABEL_STYLE))
        handles.append(Patch(facecolor=tint, edgecolor=ADMIN_EDGE))
        pack = country.get(iso3)
        names.append(f"{pack.name(language)}: {len(own)} {pack.level('region').display(language, True)}")
        lines.append(boundaries.credit(iso3))
        if iso3 in chosen:
            lines.insert(0, f"{event_credit(chosen[iso3].attrs, language)} ({country.get(iso3).name(language)})")
    sections, counts = markers.draw_events(page.ax, shown, language, crs=proj)
    page.labels += counts
    layout.scale_bar(page.ax, language)
    layout.north_arrow(page.ax, language)
    layout.add_legends(page.panel, [(label("country", language), handles, names)] + sections)
    layout.place_labels(page.ax, page.labels)
    lines.append(country.get(sorted(set(shapes["iso3"]))[0]).context_credit)
    layout.credit_block(page.fig, [localized_credit(line, language) for line in [*lines, *credits]])
    page.inset.set_visible(False)
    files = layout.save(page.fig, out, dpi=dpi or layout.PRINT_DPI) if out is not None else []
    return MapResult(page.fig, files)

