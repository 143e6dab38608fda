"""The HTML page of the interactive map: its assets inline or beside it, and its languages.

Two ways to ship the page (``assets``):

``"inline"`` (default)
    One file: scripts, styles and the data are inside the page; it opens
    from ``file://`` and needs ``script-src 'unsafe-inline'`` and
    ``style-src 'unsafe-inline'`` in a host's Content-Security-Policy. No
    ``data:`` URI is used (the density surface is drawn on a canvas), so
    ``default-src 'self' 'unsafe-inline'`` is enough.
``"external"``
    The page loads its scripts and styles from files beside it, each with a
    Subresource-Integrity hash (sha384), the data from ``<name>.data.js`` and
    the density surface from ``<name>.density.png``. It runs under
    ``default-src 'self'`` (no inline script or style, no ``data:``).

With several languages the payload is the first language's, plus for each
other language the ``[path, value]`` pairs where its payload differs
(:func:`language_patches`); map.js applies them when the language switcher
is used. The events and shapes are stored once.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from importlib.resources import files
from pathlib import Path

from geo_coi import style
from geo_coi.atomic import write_bytes, write_text
from geo_coi.errors import InputError

ASSETS = ("inline", "external")
# vendored file -> its name beside an "external" page
STYLES = {"leaflet/leaflet.css": "leaflet.css", "geo_coi/map.css": "geo_coi_map.css"}
SCRIPTS = {"leaflet/leaflet.js": "leaflet.js", "geo_coi/map.js": "geo_coi_map.js"}


def write_page(payloads: dict, out, assets: str = "inline") -> Path:
    """Write the map page for ``payloads`` (language -> payload, the first shown first) to ``out``.

    Parameters
    ----------
    payloads : dict
        One payload per language (:mod:`geo_coi.maps.html`), in the order of
        the language switcher; a single entry gives a page without one.
    out : path-like
        The HTML file; with ``assets="external"`` its companions are written
        beside it (the vendored files under fixed names, ``<stem>.data.js``,
        ``<stem>.density.png``).
    assets : {"inline", "external"}

    Returns
    -------
    pathlib.Path
        The HTML file written.
    """
    if assets not in ASSETS:
        raise InputError(f"assets {assets!r} is not supported: use one of {', '.join(ASSETS)}")
    out = Path(out)
    languages = list(payloads)
    data = dict(payloads[languages[0]])
    if len(languages) > 1:
        data["i18n"] = {"languages": languages,
                        "patches": {code: language_patches(data, payloads[code]) for code in languages[1:]}}
    if assets == "inline":
        return write_text(out, _inline_page(data))
    return _write_external(data, out)


def language_patches(base, other, path=()) -> list:
    """``[path, value]`` pairs that turn ``base`` into ``other`` (JSON-like trees)."""
    if base == other:
        return []
    if isinstance(base, dict) and isinstance(other, dict) and base.keys() == other.keys():
        return [pair for key in other for pair in language_patches(base[key], other[key], (*path, key))]
    if isinstance(base, list) and isinstance(other, list) and len(base) == len(other):
        return [pair for i, (a, b) in enumerate(zip(base, other, strict=True))
                for pair in language_patches(a, b, (*path, i))]
    return [[list(path), other]]


def script_json(data) -> str:
    """JSON safe inside a ``<script>`` element: ``<``, ``>``, ``&`` and the line separators escaped."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


# --- private steps ------------------------------------------------------------------------------


def _vendor_bytes(relative: str) -> bytes:
    return (files("geo_coi") / "data" / "vendor" / relative).read_bytes()


def _css(relative: str) -> str:
    """A vendored stylesheet; Leaflet's control images dropped (map.js draws the layers icon inline)."""
    text = _vendor_bytes(relative).decode("utf-8")
    for image in ("layers.png", "layers-2x.png", "marker-icon.png"):
        text = text.replace(f"url(images/{image})", "none")
    return text


def _head(data) -> str:
    title = html.escape(data["title"])
    return ('<!DOCTYPE html>\n'
            f'<html lang="{html.escape(data["lang"])}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<title>{title}</title>\n')


def _body(data, external=False) -> str:
    """Body up to the scripts; an external page says how to open it until map.js replaces the text."""
    loading = f'<p class="gc-loading">{html.escape(style.label("html_loading", data["lang"]))}</p>' if external else ""
    return (f'</head>\n<body>\n<div id="geo-coi" class="gc-page">{loading}</div>\n'
            f'<noscript>{html.escape(style.label("html_noscript", data["lang"]))}</noscript>\n')


def _inline_page(data) -> str:
    parts = [_head(data)]
    for relative in STYLES:
        parts.append(f"<style>\n{_css(relative)}\n</style>\n")
    parts.append(_body(data))
    for relative in SCRIPTS:
        text = _vendor_bytes(relative).decode("utf-8")
        if "</script" in text.lower():
            raise InputError(f"vendored file {relative} contains '</script' and cannot be inlined")
        parts.append(f"<script>\n{text}\n</script>\n")
    parts.append(f"<script>\ngeoCoiMap({script_json(data)});\n</script>\n</body>\n</html>\n")
    return "".join(parts)


def _sri(content: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(content).digest()).decode("ascii")


def _write_external(data, out: Path) -> Path:
    """Write the companions beside ``out``, then the page (last, so it never points at a missing file)."""
    stem = out.name.removesuffix(".html")
    if data.get("density", {}).get("png"):
        density = dict(data["density"])
        write_bytes(out.with_name(f"{stem}.density.png"), base64.b64decode(density.pop("png")))
        density["url"] = f"{stem}.density.png"
        data = {**data, "density": density}
    files_: dict[str, bytes] = {}
    for relative, name in STYLES.items():
        files_[name] = _css(relative).encode("utf-8")
    scripts = {f"{stem}.data.js": f"window.geoCoiData = {script_json(data)};\n".encode()}
    scripts.update({name: _vendor_bytes(relative) for relative, name in SCRIPTS.items()})
    files_.update(scripts)
    for name, content in files_.items():
        write_bytes(out.with_name(name), content)
    parts = [_head(data)]
    parts += [f'<link rel="stylesheet" href="{name}" integrity="{_sri(files_[name])}">\n' for name in STYLES.values()]
    parts.append(_body(data, external=True))
    parts += [f'<script src="{html.escape(name)}" integrity="{_sri(content)}"></script>\n'
              for name, content in scripts.items()]
    parts.append("</body>\n</html>\n")
    return write_text(out, "".join(parts))
