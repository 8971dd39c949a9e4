"""The command line's language: Vietnamese by default, English on request (gettext catalogue).

The command line's own strings (help, summaries, its error messages) are
written in English in the code, wrapped in ``_()``, and translated through the
standard gettext catalogue ``locale/vi/LC_MESSAGES/ngayhoi.po`` (extracted with
Babel's ``pybabel extract``; the compiled ``.mo`` ships beside it). The library
itself speaks English in its exceptions; :func:`ngayhoi.cli` renders them in the
chosen language.

The language is, in order: ``--lang`` on the command line, then the first of
``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set: English when it
starts with ``en``, Vietnamese otherwise (a machine set to ``C.UTF-8`` speaks
Vietnamese).

>>> language(environ={"LANG": "en_US.UTF-8"}), language(environ={"LANG": "C.UTF-8"})
('en', 'vi')
>>> language("en", environ={"LANG": "vi_VN.UTF-8"})
'en'
>>> translator.use("vi")
>>> _("interrupted")
'bị ngắt'
>>> translator.use("en")
>>> _("interrupted")
'interrupted'
"""

from __future__ import annotations

import gettext as _gettext
import os
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from ngayhoi.errors import N_

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "Translator",
    "language",
    "speaking",
    "translator",
]

#: The gettext domain: ``locale/<lang>/LC_MESSAGES/ngayhoi.mo``.
DOMAIN = "ngayhoi"
#: Where the catalogues live, inside the package.
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: The languages the command line speaks; the first is the default.
LANGUAGES = ("vi", "en")

_ENV = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def language(choice: str | None = None, *, environ: Mapping[str, str] | None = None) -> str:
    """The language to speak: ``choice`` when given, else what the environment asks for.

    Only English is told apart: any ``LANG`` that does not start with ``en``
    (``vi_VN``, ``C.UTF-8``, unset) gives Vietnamese.

    >>> language(environ={}), language(environ={"LC_ALL": "en_GB.UTF-8", "LANG": "vi_VN"})
    ('vi', 'en')
    >>> language("fr")
    Traceback (most recent call last):
    ...
    ValueError: language 'fr' is not one of vi, en
    """
    if choice is not None:
        if choice not in LANGUAGES:
            msg = f"language {choice!r} is not one of {', '.join(LANGUAGES)}"
            raise ValueError(msg)
        return choice
    env = os.environ if environ is None else environ
    for name in _ENV:
        value = env.get(name, "").strip()
        if value:
            # LANGUAGE is a colon list of preferences; the first one decides.
            return "en" if value.split(":")[0].lower().startswith("en") else "vi"
    return LANGUAGES[0]


class Translator:
    """The catalogue in use; ``_ = translator.gettext`` at module level follows :meth:`use`.

    >>> t = Translator()
    >>> t.use("vi")
    >>> t.gettext("interrupted")
    'bị ngắt'
    >>> t.language
    'vi'
    """

    def __init__(self, lang: str | None = None) -> None:
        """Start in ``lang``, Vietnamese by default."""
        self._catalogues: dict[str, _gettext.NullTranslations] = {}
        self.language = language(lang) if lang is not None else LANGUAGES[0]

    def use(self, lang: str) -> None:
        """Speak ``lang`` (``"vi"`` or ``"en"``) from now on.

        >>> Translator().use("en")
        """
        self.language = language(lang)

    def gettext(self, message: str) -> str:
        """``message`` in the language in use, NFC (the English text when it has no entry).

        >>> t = Translator()
        >>> t.use("en")
        >>> t.gettext("interrupted")
        'interrupted'
        """
        return unicodedata.normalize("NFC", self._catalogue().gettext(message))

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """The form of a counted text for ``count``, in the language in use, NFC.

        Vietnamese has one form for every count; English has two.

        >>> one, many = "Summary: {count} change ({counts})", "Summary: {count} changes ({counts})"
        >>> Translator("en").ngettext(one, many, 1), Translator("en").ngettext(one, many, 2)
        ('Summary: {count} change ({counts})', 'Summary: {count} changes ({counts})')
        >>> Translator("vi").ngettext(one, many, 2)
        'Tóm tắt: {count} thay đổi ({counts})'
        """
        text = self._catalogue().ngettext(singular, plural, count)
        return unicodedata.normalize("NFC", text)

    def _catalogue(self) -> _gettext.NullTranslations:
        lang = self.language
        if lang not in self._catalogues:
            if lang == "en":  # the code's own text is English
                self._catalogues[lang] = _gettext.NullTranslations()
            else:
                self._catalogues[lang] = _gettext.translation(
                    DOMAIN, localedir=LOCALE_DIR, languages=[lang]
                )
        return self._catalogues[lang]


#: The command line's translator.
translator = Translator()
_ = translator.gettext

_SPEAKERS: dict[str, Translator] = {}


def speaking(lang: str) -> Translator:
    """A translator fixed to ``lang``, for text a caller asks for in a language (not the CLI's).

    The library's notices and tables take ``lang="vi"`` (the default) or
    ``"en"`` and say their words through this, leaving :data:`translator`
    (the command line's) alone.

    >>> speaking("en").gettext("interrupted"), speaking("vi").gettext("interrupted")
    ('interrupted', 'bị ngắt')
    >>> speaking("fr")
    Traceback (most recent call last):
    ...
    ValueError: language 'fr' is not one of vi, en
    """
    lang = language(lang)
    if lang not in _SPEAKERS:
        _SPEAKERS[lang] = Translator(lang)
    return _SPEAKERS[lang]
