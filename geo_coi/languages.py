"""The report languages: the one list every layer checks a language code against.

Low in the layers (periods prints month names with it, style its labels), so that
checking a language never pulls in the presentation modules.
"""

from __future__ import annotations

from geo_coi.errors import InputError

LANGUAGES = ("nl", "fr", "en")


def check_language(language: str) -> str:
    """Return ``language`` if supported, else raise a clear error.

    Raises
    ------
    InputError
        When ``language`` is not one of :data:`LANGUAGES`.
    """
    if language not in LANGUAGES:
        raise InputError(f"language {language!r} is not supported: use one of {', '.join(LANGUAGES)}")
    return language
