"""Displaced people: IDPs as proportional circles over a choropleth of refugees and asylum-seekers."""

from __future__ import annotations

from geo_coi.classes import classify
from geo_coi.crs import map_crs
from geo_coi.displacement import by_unit, report_figures
from geo_coi.errors import InputError
from geo_coi.maps import admin, capital, captions, layout, markers
from geo_coi.maps.page import MapResult, finish_page, start_page
from geo_coi.periods import format_month, to_date
from geo_coi.style import DISPLACEMENT_CMAP, UNHCR_CREDIT, label


def displacement_map(level="region", year=None, *, figures="unhcr", report_date=None, language="en",
                     size="A4-landscape", out=None, basemap=None, scheme="fisherjenks", k=4, dpi=layout.PRINT_DPI,
                     credits=()) -> MapResult:
    """Displaced people: IDPs as proportional circles over a choropleth of refugees and asylum-seekers.

    Parameters
    ----------
    level : {"region", "department"}
    year : int, optional
        UNHCR year (default: the latest, or with ``report_date`` the latest end of year before it).
    report_date : datetime.date, optional
        The report's date: its map never shows UNHCR figures released after it.
    figures : {"unhcr", "report"}
        Source of the IDP circles: UNHCR's end-of-year statistics, or the
        report's October 2024 figures (regions only).
    Others as :func:`~geo_coi.maps.annex_maps.annex1`.
    """
    if figures not in ("unhcr", "report"):
        raise InputError(f"displacement figures {figures!r} not supported: use 'unhcr' or 'report'")
    if figures == "report" and year is None:
        year = int(str(report_figures()["as_of"].iloc[0])[:4])  # UNHCR's year beside the report's own figures
    refugees = by_unit(level, year=year, pop_types=("REF", "ASY"), before=report_date).to_crs(map_crs())
    year = refugees.attrs["year"]
    unhcr_date = f"{label('unhcr_end_year', language)} {year}"
    if figures == "report":
        if level != "region":
            raise InputError("the report's displacement figures are by region: "
                             "use level='region' with figures='report'")
        report = report_figures()
        report = report[report["population"] == "IDP"]
        idps = refugees[["pcode", "geometry"]].merge(report[["region_pcode", "value", "as_of", "source"]],
                                                     left_on="pcode", right_on="region_pcode", how="left")
        idp_date, idp_credit = _month_text(report["as_of"].iloc[0], language), str(report["source"].iloc[0])
        # the report names a national total larger than the regions it lists: say so on the map
        total = report.loc[~report["region_pcode"].isin(refugees["pcode"]), "value"]
        note = f"{label('as_of', language)} {idp_date}"
        if len(total):
            note += (f" · {label('idps_total', language)}: {captions.number(total.iloc[0])} "
                     f"{label('idps', language).lower()}")
    else:
        idps = by_unit(level, year=year, pop_types=("IDP",)).to_crs(map_crs())
        idp_date, idp_credit = unhcr_date, UNHCR_CREDIT
        note = f"{label('as_of', language)} {idp_date}"
    subtitle = (f"{label('idps', language)}: {label('as_of', language)} {idp_date} · "
                f"{label('refugees', language)}: {unhcr_date}")
    page = start_page(label("displacement_title", language), subtitle, size, language, admin.bounds("country"), basemap)
    classes = classify(refugees["value"].to_numpy(dtype=float), scheme, k=k, zero_label=label("no_data", language),
                       no_data_label=label("no_data", language), language=language, cmap=DISPLACEMENT_CMAP)
    fill = admin.fill_classes(page.ax, refugees, classes)
    if level == "department":
        admin.boundary_lines(page.ax, "region", linewidth=1.0)
    circles, anchors = markers.proportional_circles(page.ax, idps)
    page.labels += markers.clear_of_circles(page, admin.unit_labels(level, page.ax), anchors)
    page.labels += capital.star(page.ax, language, fill=capital.class_fill(refugees, classes))
    page.ax.text(0.97, 0.012, note, transform=page.ax.transAxes, ha="right",
                 va="bottom", fontsize=8, fontweight="bold", zorder=30, path_effects=layout.halo(),
                     gid="note:figure-date")
    sections = [
        (f"{label('idps', language)} ({idp_date})", *circles),
        (f"{label('refugees', language)} ({unhcr_date})", fill[:1] + fill[2:], classes.labels[:1] + classes.labels[2:]),
    ]
    return finish_page(page, language, sections, [UNHCR_CREDIT, idp_credit], out, dpi, credits)



def _month_text(as_of, language):
    """``"2024-10"`` -> ``"October 2024"`` in ``language``."""
    return format_month(to_date(f"{as_of}-01", "as_of"), language)
