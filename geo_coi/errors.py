"""Exceptions of geo_coi, all rooted in :class:`GeoCOIError`.

The CLI turns any :class:`GeoCOIError` into a one-line message and a
non-zero exit code; the traceback is shown only with ``--debug``.
"""


class GeoCOIError(Exception):
    """Base class of every error geo_coi raises on purpose."""


class InputError(GeoCOIError, ValueError):
    """An input file or value is unusable (wrong format, missing column, bad value).

    Also a :class:`ValueError`, so that code catching bad values the standard way catches it.
    """


class CoordinateError(InputError):
    """Coordinates are missing, non-numeric, out of range or swapped."""


class ResolveError(GeoCOIError):
    """A place or unit name cannot be resolved to one P-code without guessing."""


class ConfigError(GeoCOIError):
    """A report configuration file is invalid; the message names the bad key."""


class FetchError(GeoCOIError):
    """A remote source (ACLED API, tiles) failed or refused the request."""


class OutputError(GeoCOIError):
    """An output cannot be written or did not reopen (full disk, read-only folder, folder in use)."""


class TemplateError(InputError):
    """A sentence template of the report-ready text is unusable; the message names file, template and line."""
