"""Office Open XML files (XLSX, DOCX) made byte-identical for the same content.

openpyxl and python-docx stamp the clock into the ZIP members' times and the
document's ``docProps/core.xml``; :func:`reproducible_zip` rewrites both with a
fixed date.
"""

from __future__ import annotations

import io
import re
import zipfile

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed member times


def reproducible_zip(data: bytes, date: str) -> bytes:
    """Rewrite an XLSX or DOCX with fixed member times and its created/modified dates set to ``date``.

    Parameters
    ----------
    data : bytes
        The file as its library wrote it.
    date : str
        ISO date (e.g. the report period's end) written as the document's dates.

    Returns
    -------
    bytes
    """
    stamp = f"{date}T00:00:00Z"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                                 lambda m: m.group(1) + stamp.encode() + m.group(3), content)
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, content)
    return out.getvalue()
