"""``index.html``: a gallery of every output of an annex run.

One self-contained page (inline CSS, no scripts, no web fonts, nothing
fetched from the network) with relative links, so the output folder can be
zipped, mailed or put on a share and still browse: static maps and charts as
thumbnails linking to their PNG/PDF/SVG files, the interactive maps, the
tables (CSV, Markdown, XLSX) and the data files (GeoPackage, GeoTIFF,
rejects, manifest). The page has no date in it, so reruns give the same bytes.
"""

from __future__ import annotations

import html
from collections import defaultdict
from pathlib import Path, PurePosixPath

from geo_coi.atomic import write_text
from geo_coi.products import FOLDERS  # a section per output folder, in the registry's order
from geo_coi.style import check_language, label, typography

GALLERY_NAME = "index.html"
IMAGE_SUFFIXES = (".png",)
OTHER_SECTION = "gallery_other"
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#222;max-width:1200px}
h1{font-size:1.5rem;margin-bottom:.2rem}
h2{font-size:1.15rem;border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}
p.meta{color:#555;margin-top:0} p.warning{background:#fff3cd;border:1px solid #e0c36a;padding:.5rem .8rem}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:1rem}
figure{margin:0;border:1px solid #ddd;padding:.5rem;background:#fafafa}
figure img{width:100%;height:auto;display:block;background:#fff}
figcaption{font-size:.9rem;margin-top:.4rem} figcaption a{margin-right:.5rem}
ul.files{columns:2;font-size:.95rem} code{font-size:.9em}
footer.credits{margin-top:2.5rem;border-top:1px solid #ccc;padding-top:.5rem;color:#555;font-size:.85rem}
""".strip()


def write_gallery(out_dir, outputs, title: str, subtitle: str = "", captions: dict | None = None,
                  warnings=(), credits=(), language: str = "en") -> str:  # noqa: A002 (the page's credit lines)
    """Write ``<out_dir>/index.html`` listing ``outputs``.

    Parameters
    ----------
    out_dir : path-like
        The output folder; ``outputs`` are relative to it.
    outputs : iterable of str
        Relative POSIX paths (``maps/annex1_nl.png`` ...).
    title, subtitle : str
        Page heading (report title; period and data source).
    captions : dict, optional
        Path stem (``maps/annex1_nl``) -> caption; default: the file name.
    warnings : iterable of str
        Notes shown at the top (e.g. "synthetic demo data", "step X skipped").
    credits : iterable of str
        Data credit lines, printed at the bottom.
    language : {"en", "fr", "nl"}
        Language of the section headings (``translations.csv``) and of the page.

    Returns
    -------
    str
        Path of the page written.
    """
    page = render_gallery(outputs, title, subtitle, captions or {}, warnings, credits, language)
    return str(write_text(Path(out_dir) / GALLERY_NAME, page))


def render_gallery(outputs, title: str, subtitle: str = "", captions: dict | None = None, warnings=(),
                   credits=(), language: str = "en") -> str:  # noqa: A002
    """The gallery page as text (see :func:`write_gallery`)."""
    check_language(language)
    captions = {stem: typography(text, language) for stem, text in (captions or {}).items()}
    by_section = defaultdict(list)
    for path in sorted(set(outputs)):
        if path == GALLERY_NAME:
            continue
        folder = PurePosixPath(path).parts[0] if "/" in path else ""
        by_section[folder if folder in FOLDERS else ""].append(path)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{language}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
    ]
    if subtitle:
        parts.append(f'<p class="meta">{_e(typography(subtitle, language))}</p>')
    parts.extend(f'<p class="warning">{_e(typography(text, language))}</p>' for text in warnings)
    for folder, key in (*FOLDERS.items(), ("", OTHER_SECTION)):
        files = by_section.get(folder)
        if files:
            parts.append(f"<h2>{_e(label(key, language))}</h2>")
            parts.append(_section(files, captions, typography(":", language)))
    if credits:
        parts.append('<footer class="credits">' + "<br>".join(_e(line) for line in credits) + "</footer>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _section(files: list[str], captions: dict, colon: str = ":") -> str:
    """Thumbnails for outputs that have a PNG, a list for the rest; one entry per stem, all its formats.

    Entries follow the order of ``captions`` (the run's order), then file names.
    """
    stems = defaultdict(list)
    for path in files:
        stems[str(PurePosixPath(path).with_suffix(""))].append(path)
    rank = {stem: i for i, stem in enumerate(captions)}
    figures, items = [], []
    for stem in sorted(stems, key=lambda s: (rank.get(s, len(rank)), s)):
        paths = stems[stem]
        caption = captions.get(stem, PurePosixPath(stem).name)
        links = " ".join(f'<a href="{_e(p)}">{_e(PurePosixPath(p).suffix.lstrip(".").upper())}</a>' for p in paths)
        image = next((p for p in paths if p.endswith(IMAGE_SUFFIXES)), None)
        if image is None:
            items.append(f"<li>{_e(caption)}{colon} {links}</li>")
            continue
        figures.append(
            f'<figure><a href="{_e(image)}"><img src="{_e(image)}" alt="{_e(caption)}" loading="lazy"></a>'
            f"<figcaption><strong>{_e(caption)}</strong><br>{links}</figcaption></figure>"
        )
    html_parts = []
    if figures:
        html_parts.append('<div class="grid">' + "".join(figures) + "</div>")
    if items:
        html_parts.append('<ul class="files">' + "".join(items) + "</ul>")
    return "\n".join(html_parts)


def _e(text) -> str:
    return html.escape(str(text), quote=True)
