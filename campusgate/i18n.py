"""click's own messages (usage errors, the chrome of ``-h``) and campusgate's help texts in the
reader's language.

click marks its messages with the classic gettext API: its modules call ``_ =
gettext.gettext`` and ``ngettext``, whose language is the process's (environment variables,
``gettext.textdomain``). campusgate decides the language per invocation (``--lang``,
``CAMPUSGATE_LANG``), and the server runs invocations of different readers side by side in
threads, so a process-wide language would leak from one request into another. ``hook``
therefore rebinds ``_`` and ``ngettext`` in click's modules to functions that ask the
translations of the invocation speaking in this thread (a context variable, set by
``speaking``); outside any invocation they are the stdlib's functions, as before.

The catalogue is ``locale/zh_CN/LC_MESSAGES/click.po``, compiled to ``click.mo`` beside it.
Both are committed: the program needs neither Babel nor a writable cache at run time, and
``tests/cli/test_click_language.py`` fails when the ``.mo`` differs from the ``.po`` or when a
msgid is not one of the installed click's. After editing the ``.po``::

    pybabel compile -d campusgate/locale -D click

The commands' own help (their descriptions, the help of their options, the heading of
``advance``'s trigger table) has a catalogue of its own, ``help.po`` (compiled to ``help.mo``)
beside click's: its msgids are the English texts exactly as click holds them (a docstring
after ``inspect.cleandoc``, an option's help), translated when ``-h`` is shown
(``campusgate.app.Command``), in the language of the same context variable.
``tests/cli/test_help_language.py`` fails when a help text of the command tree has no
translation or the ``.mo`` is not the ``.po`` compiled. After editing it::

    pybabel compile -d campusgate/locale -D help
"""

from __future__ import annotations

import functools
import gettext
import importlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import NamedTuple

DOMAIN = "click"
#: the domain of campusgate's own help texts
HELP_DOMAIN = "help"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: campusgate's language → the catalogue's locale (English: click's msgids as they are)
LOCALES = {"zh": "zh_CN"}

#: click's modules whose messages reach campusgate's readers, all loaded by ``import click``.
#: Not hooked, so never loaded for this: ``click._termui_impl`` (pager, editor, progress
#: bar), ``click.shell_completion`` (campusgate installs no completion) and
#: ``click._winconsole`` (Windows consoles).
CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "click.utils",
)


class Language(NamedTuple):
    """What an invocation speaks: click's messages and campusgate's help texts."""

    click: gettext.NullTranslations
    help: gettext.NullTranslations
    code: str = "en"


_speaking: ContextVar[Language | None] = ContextVar("campusgate_language", default=None)
_hook_lock = threading.Lock()
_hooked = False


@functools.cache
def translations(lang: str, domain: str = DOMAIN) -> gettext.NullTranslations:
    """The translations of ``domain`` (click's messages, or campusgate's help texts) into
    ``lang``: identity for English (and for a missing catalogue, which the packaging tests
    rule out)."""
    locale = LOCALES.get(lang)
    if locale is None:
        return gettext.NullTranslations()
    return gettext.translation(domain, LOCALE_DIR, languages=[locale], fallback=True)


def translate(message: str) -> str:
    """``gettext`` in the language speaking in this thread (the stdlib's outside). The empty
    string stays empty (gettext would answer with the catalogue's header)."""
    if not message:
        return message
    active = _speaking.get()
    return active.click.gettext(message) if active is not None else gettext.gettext(message)


def translate_plural(singular: str, plural: str, n: int) -> str:
    """``ngettext`` in the language speaking in this thread (the stdlib's outside)."""
    active = _speaking.get()
    if active is None:
        return gettext.ngettext(singular, plural, n)
    return active.click.ngettext(singular, plural, n)


def translate_help(text: str) -> str:
    """A help text of campusgate's (its English, as click holds it) in the language speaking
    in this thread; English outside any invocation and where the catalogue has none."""
    active = _speaking.get()
    if not text or active is None:
        return text
    return active.help.gettext(text)


def speaking_now() -> str:
    """The language this thread speaks: English outside an invocation, as ``translate_help``."""
    active = _speaking.get()
    return active.code if active is not None else "en"


def hook() -> None:
    """Make click's modules ask ``translate``/``translate_plural``; done once."""
    global _hooked
    if _hooked:
        return
    with _hook_lock:
        if _hooked:
            return
        for name in CLICK_MODULES:
            module = importlib.import_module(name)
            if getattr(module, "_", None) is gettext.gettext:
                module._ = translate  # type: ignore[attr-defined]
            if getattr(module, "ngettext", None) is gettext.ngettext:
                module.ngettext = translate_plural  # type: ignore[attr-defined]
        _hooked = True


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """click speaks ``lang`` in this thread (this context) until the block ends."""
    hook()
    token = _speaking.set(Language(translations(lang), translations(lang, HELP_DOMAIN), lang))
    try:
        yield
    finally:
        _speaking.reset(token)
