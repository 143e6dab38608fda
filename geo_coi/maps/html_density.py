"""The HTML map's density layer: the density GeoTIFF warped to Web Mercator, coloured, as a PNG, and its legend."""

from __future__ import annotations

import base64
import io

import numpy as np

from geo_coi import style
from geo_coi.crs import GEOGRAPHIC, WEB_MERCATOR
from geo_coi.density import UNITS, read_geotiff
from geo_coi.maps.html_geometry import DECIMALS

DENSITY_CMAP = "YlOrRd"


def density_layer(path):
    """The density GeoTIFF reprojected to Web Mercator as a PNG data: URI with its bounds."""
    surface = read_geotiff(path)
    values, bounds = _to_web_mercator(surface)
    top = float(np.nanmax(values)) if np.isfinite(values).any() else 0.0
    rgba = _colorize(values, top)
    return {"png": _png_base64(rgba), "bounds": bounds, "max": top, "units": UNITS}


def _to_web_mercator(surface):
    from pyproj import Transformer
    from rasterio.transform import array_bounds
    from rasterio.warp import Resampling, calculate_default_transform, reproject

    height, width = surface.values.shape
    west, south, east, north = array_bounds(height, width, surface.transform)
    dst_crs = WEB_MERCATOR
    transform, dst_w, dst_h = calculate_default_transform(surface.crs, dst_crs, width, height,
                                                         left=west, bottom=south, right=east, top=north)
    out = np.full((dst_h, dst_w), np.nan, dtype="float32")
    reproject(surface.values, out, src_transform=surface.transform, src_crs=surface.crs,
              dst_transform=transform, dst_crs=dst_crs, src_nodata=np.nan, dst_nodata=np.nan,
              resampling=Resampling.bilinear)
    to_geo = Transformer.from_crs(dst_crs, GEOGRAPHIC, always_xy=True)
    x0, y0, x1, y1 = array_bounds(dst_h, dst_w, transform)
    (lon0, lon1), (lat0, lat1) = to_geo.transform([x0, x1], [y0, y1])
    bounds = [[round(lat0, DECIMALS), round(lon0, DECIMALS)], [round(lat1, DECIMALS), round(lon1, DECIMALS)]]
    return out, bounds


def _colorize(values, top):
    """RGBA image of a density grid: colour and opacity grow with the value, transparent outside."""
    from matplotlib import colormaps

    scaled = np.where(np.isfinite(values), values / top if top > 0 else 0.0, 0.0)
    rgba = colormaps[DENSITY_CMAP](np.clip(scaled, 0, 1))
    # transparent outside Niger and where the density is negligible, then opaque with the value
    rgba[..., 3] = np.where(scaled > 0.01, 0.35 + 0.6 * np.sqrt(np.clip(scaled, 0, 1)), 0.0)
    return (rgba * 255).round().astype("uint8")


def _png_base64(rgba):
    """PNG (deterministic, no metadata) in base64 (drawn on a canvas by map.js: no data: URI)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(rgba, mode="RGBA").save(buffer, format="PNG", optimize=True)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def density_legend(density, language):
    """Legend section of the density layer: a colour ramp from 0 to the maximum."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    colors = [to_hex(c) for c in colormaps[DENSITY_CMAP](np.linspace(0, 1, 6))]
    return {"layer": "density", "title": f"{style.label('density_title', language)} ({density['units']})",
            "items": [{"kind": "ramp", "colors": colors, "low": "0",
                       "high": f"{density['max']:.3g}".replace(".", style.decimal_mark(language))}]}
