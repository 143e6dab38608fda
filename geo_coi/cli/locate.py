"""``geo-coi locate``: which country and admin units contain a point, and is it inside the capital?

Imports neither pandas nor geopandas on the single-point path (pandas only
for ``--csv``), so the command starts fast.
"""

from __future__ import annotations

import json
import sys

import click

from geo_coi.errors import InputError


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("lat", required=False)
@click.argument("lon", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.option("--geo-precision", metavar="N", help="ACLED geo_precision of the point (1, 2 or 3).")
@click.option("--csv", "csv_in", metavar="IN", help="Locate every row of this CSV instead of one point.")
@click.option("--out", metavar="OUT", help="With --csv: write the result here (default: standard output).")
@click.option("--lat-column", default="latitude", show_default=True, help="With --csv: latitude column.")
@click.option("--lon-column", default="longitude", show_default=True, help="With --csv: longitude column.")
@click.option("--country", "country", metavar="ISO3",
              help="Answer for this bundled pack (its ISO3 code, a folder of geo_coi/countries/) instead of "
                   "the one containing the point.")
def locate(lat, lon, as_json, geo_precision, csv_in, out, lat_column, lon_column, country):
    """Country, region, department, commune (and capital's sub-unit) of the point LAT LON.

    LAT and LON are WGS 84 decimal degrees, latitude first; negative values
    work as they are (geo-coi locate 16.27 -0.04). The country is the bundled
    pack containing the point (outside all of them, the nearest; --country
    forces one), and its levels carry its own names (Mali: cercle, Burkina
    Faso: province). Also says whether the point is inside the capital (its
    boundary counts as inside), the signed distance to the capital's boundary
    (positive outside, negative inside) and warns when the point lies within
    1 km of an admin boundary.

    With --csv IN [--out OUT] every row of IN is located, each for its own
    country; rows that cannot be located keep their data and get an "error" column.
    """
    if csv_in:
        if lat is not None:
            raise InputError("give either LAT LON or --csv IN, not both")
        if as_json or geo_precision is not None:
            raise InputError(
                "--json and --geo-precision are for one point: with --csv the output is CSV and "
                "each row's geo_precision column is used"
            )
        _locate_csv(csv_in, out, lat_column, lon_column, country)
        return
    if lat is None or lon is None:
        raise InputError("give a point as LAT LON (e.g. geo-coi locate 13.4716 2.0886), or --csv IN")
    if out:
        raise InputError("--out is for --csv IN; a single point is printed")
    from geo_coi.location import locate as locate_point

    found = locate_point(lat, lon, geo_precision, country)
    if as_json:
        click.echo(json.dumps(found.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(describe(found)))


def describe(found) -> list[str]:
    """Readable lines for a located point, as ``geo-coi locate`` prints them.

    Parameters
    ----------
    found : geo_coi.location.Location

    Returns
    -------
    list of str
        One "Label: value" line each, ending with the one-line verdict.
    """
    lines = [f"Point:           {_degrees(found.latitude, 'N', 'S')}, {_degrees(found.longitude, 'E', 'W')}"]
    if not found.inside_country:
        lines.append(
            _line(f"Outside {found.country_name}", f"nearest {found.level_name('region')} {found.nearest_region} "
                  f"({found.nearest_region_pcode}) at {found.nearest_region_km:.1f} km")
        )
    else:
        lines.append(_line("Country", f"{found.country_name} ({found.country})"))
        labels = set()
        for slot in ("region", "department", "commune", "capital_subunit"):
            name, pcode = getattr(found, slot), getattr(found, f"{slot}_pcode")
            label = found.level_name(slot).capitalize()
            if name and label not in labels:
                lines.append(_line(label, f"{name} ({pcode})"))
            labels.add(label)
    if found.capital is not None:
        distance = abs(found.distance_to_capital_km)
        if found.inside_capital:
            text = f"yes, {distance:.2f} km inside its administrative boundary"
        else:
            text = f"no, {distance:.2f} km outside its administrative boundary"
            if found.nearest_capital_subunit:
                text += (f"; nearest {found.level_name('capital_subunit')} {found.nearest_capital_subunit} "
                         f"at {found.nearest_capital_subunit_km:.2f} km")
        lines.append(_line(f"Inside {found.capital}", text))
    lines.append(f"Next boundary:   {found.boundary_distance_km:.2f} km (any admin unit)")
    if found.geo_precision:
        lines.append(f"geo_precision:   {found.geo_precision}")
    lines += [f"Warning:         {warning}" for warning in found.warnings]
    lines.append(f"Verdict:         {found.verdict()}")
    return lines


def _line(label: str, value: str) -> str:
    return f"{label + ':':<16} {value}"


def _degrees(value: float, positive: str, negative: str) -> str:
    return f"{abs(value):.4f} {positive if value >= 0 else negative}"


def _locate_csv(csv_in: str, out: str | None, lat_column: str, lon_column: str, country: str | None) -> None:
    """Locate every row; a large CSV is streamed by chunks (:mod:`geo_coi.locate_stream`)."""
    output = _Output(out)
    try:
        rows, errors = _located_into(output.write, csv_in, lat_column, lon_column, country)
    finally:
        output.close()
    target = f" -> {out}" if out else ""
    click.echo(f"located {rows - errors} of {rows} rows, {errors} with an error{target}", err=True)


class _Output:
    """Standard output, or the file ``out`` opened at the first write (none if the input fails first)."""

    def __init__(self, out: str | None):
        self.out, self.handle = out, None if out else sys.stdout

    def write(self, text: str) -> None:
        try:
            if self.handle is None:
                self.handle = open(self.out, "w", encoding="utf-8", newline="")  # noqa: SIM115
            self.handle.write(text)
        except OSError as exc:
            raise InputError(f"cannot write {self.out or 'the output'}: {exc}") from None

    def close(self) -> None:
        if self.out and self.handle is not None:
            self.handle.close()


def _located_into(write, csv_in: str, lat_column: str, lon_column: str, country: str | None) -> tuple[int, int]:
    from geo_coi.locate_stream import locate_csv, should_stream

    if should_stream(csv_in):
        return locate_csv(csv_in, write, lat_column, lon_column, country=country)
    from geo_coi.location import locate_points

    table = locate_points(csv_in, lat=lat_column, lon=lon_column, country=country)
    write(table.to_csv(index=False, lineterminator="\n"))
    return len(table), int((table.iloc[:, -1] != "").sum())  # the last column is "error"
