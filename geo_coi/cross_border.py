"""Cross-border regions: admin1 units of several country packs, their events and figures.

A report config lists the units by P-code across packs::

    [regions.liptako_gourma]
    units = ["NE005", "NE006", "ML05", "ML07", "BF59", "BF64"]
    events = [{ country = "BFA", file = "bfa_acled.csv" }, { country = "MLI", file = "mli_acled.csv" }]

Each P-code names its pack by prefix (``country.toml``'s ``pcode_prefix``). The events of the
config's own country are the run's; those of the others come from ``events`` (one file per ISO3),
each read and joined with its own pack active (:func:`region_events`). :func:`cross_border_table`
gives the figures per country and admin1 unit; the map is :func:`geo_coi.maps.cross_border.cross_border_map`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from geo_coi.errors import ConfigError


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


def countries(region: CrossBorderRegion) -> list[str]:
    """ISO3 codes of the packs the region's units belong to, sorted."""
    return sorted({pack_of(p) for p in region.units})


def units(region: CrossBorderRegion):
    """The region's admin1 units (``iso3``, ``country``, ``pcode``, ``name``, geometry; EPSG:4326), sorted.

    Raises
    ------
    ConfigError
        A P-code that is no admin1 unit of its pack, naming the config key (``regions.<name>.units[i]``).
    """
    import geopandas as gpd
    import pandas as pd

    from geo_coi import boundaries, country

    frames = []
    for iso3 in countries(region):
        layer = boundaries.load("region", iso3)
        for i, pcode in enumerate(region.units):
            if pack_of(pcode) == iso3 and pcode not in set(layer["pcode"]):
                raise ConfigError(f"regions.{region.name}.units[{i}]: {pcode!r} is no region of "
                                  f"{country.get(iso3).name()} (its pack has {', '.join(sorted(layer['pcode']))})")
        part = layer[layer["pcode"].isin(region.units)][["pcode", "name", "geometry"]]
        frames.append(part.assign(iso3=iso3, country=country.get(iso3).name()))
    frame = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=4326).sort_values(["iso3", "pcode"], ignore_index=True)


def region_events(region: CrossBorderRegion, config, own_iso3: str, own_events, *, date_format=None) -> dict:
    """``{iso3: pipeline.Events or None}``: the config's own events and each other pack's file, joined in its pack.

    Parameters
    ----------
    region : CrossBorderRegion
    config : geo_coi.config.ReportConfig
        Its event types, snap tolerance and access dates apply to every file.
    own_iso3 : str
        The config's country, whose events are ``own_events``.
    own_events : geo_coi.pipeline.Events
    date_format : str, optional
        As for :func:`geo_coi.sources.read_events`.

    Returns
    -------
    dict
        One entry per country of the region, in ISO3 order; None where no events file is given.
    """
    from geo_coi import country, pipeline

    result = {}
    for iso3 in countries(region):
        if iso3 == own_iso3:
            result[iso3] = own_events
        elif iso3 in region.events:
            with country.use(iso3):
                result[iso3] = pipeline.load(region.events[iso3], config, date_format=date_format)
        else:
            result[iso3] = None
    return result


def selected(events: dict, period) -> dict:
    """``{iso3: the report's events in the period, or None}`` (each ``Events.selected``)."""
    return {iso3: None if loaded is None else loaded.selected(period) for iso3, loaded in events.items()}


def cross_border_table(region: CrossBorderRegion, chosen: dict, language: str = "en"):
    """Incidents and fatalities per country and admin1 unit of the region (zeros included), a total per country.

    Parameters
    ----------
    region : CrossBorderRegion
    chosen : dict of str -> geopandas.GeoDataFrame or None
        Joined events to count per ISO3 (:func:`selected`); None: no events file for that country.
    language : {"en", "fr", "nl"}
        Language of the country names and of the total rows' label.

    Returns
    -------
    pandas.DataFrame
        ``country``, ``iso3``, ``region_pcode``, ``region``, ``incidents``, ``fatalities``, ``source``;
        each country's units in P-code order, then its total (``region_pcode`` the country's P-code).
        Counts are empty for a country without events.
    """
    import pandas as pd

    from geo_coi import country
    from geo_coi.style import label

    shapes = units(region)
    rows = []
    for iso3, own in shapes.groupby("iso3", sort=True):
        pack, events = country.get(iso3), chosen.get(iso3)
        source = "" if events is None else events.attrs.get("source", "")
        counts = []
        for unit in own.itertuples():
            inside = None if events is None else events[events["region_pcode"] == unit.pcode]
            counts.append((unit.pcode, unit.name, None if inside is None else len(inside),
                           None if inside is None else int(inside["fatalities"].fillna(0).sum())))
        total = (pack.pcode_prefix, f"{label('Total', language)} {pack.name(language)}",
                 None if events is None else sum(c[2] for c in counts),
                 None if events is None else sum(c[3] for c in counts))
        for pcode, name, incidents, fatalities in [*counts, total]:
            rows.append({"country": pack.name(language), "iso3": iso3, "region_pcode": pcode, "region": name,
                         "incidents": incidents, "fatalities": fatalities, "source": source})
    table = pd.DataFrame(rows)
    table[["incidents", "fatalities"]] = table[["incidents", "fatalities"]].astype("Int64")
    table.attrs["credits"] = event_credit_lines(chosen, language)  # printed under the Markdown table
    return table


def event_credit_lines(chosen: dict, language: str = "en") -> list[str]:
    """One credit line per event source (SYNTHETIC, UCDP, or ACLED with its access date), naming its countries."""
    from geo_coi import country
    from geo_coi.style import event_credit

    by_credit: dict[str, list[str]] = {}
    for iso3, events in chosen.items():
        if events is not None:
            by_credit.setdefault(event_credit(events.attrs, language), []).append(country.get(iso3).name(language))
    return [f"{credit} · {', '.join(names)}" for credit, names in by_credit.items()]


def credit_lines(chosen: dict, language: str = "en") -> list[str]:
    """Credit lines of the region's map: each country's event source (named), each pack's boundaries, Natural Earth."""
    from geo_coi import boundaries, country
    from geo_coi.style import localized_credit

    lines = event_credit_lines(chosen, language)
    lines += [localized_credit(boundaries.credit(iso3), language) for iso3 in chosen]
    lines += [localized_credit(country.get(iso3).context_credit, language) for iso3 in chosen]
    return list(dict.fromkeys(lines))


def accounting_notes(events: dict, own_iso3: str) -> list[str]:
    """One line per other country's file: read = accepted + rejected + merged (+ rows of other countries)."""
    notes = []
    for iso3, loaded in events.items():
        if loaded is None or iso3 == own_iso3:
            continue
        counts = loaded.summary
        notes.append(f"{loaded.path.name} ({iso3}): read {counts['read']}, accepted {counts['accepted']}, "
                     f"rows of other countries {counts.get('other_countries', 0)}, rejected {counts['rejected']}, "
                     f"merged {counts['duplicates_merged']}")
    return notes
