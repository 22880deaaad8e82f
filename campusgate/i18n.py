"""click's own messages (usage errors, the chrome of ``-h``) in the reader's language.

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

DOMAIN = "click"
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

_speaking: ContextVar[gettext.NullTranslations | None] = ContextVar(
    "campusgate_click_translations", default=None
)
_hook_lock = threading.Lock()
_hooked = False


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The translations of click's messages into ``lang``: identity for English (and for a
    missing catalogue, which the packaging tests rule out)."""
    locale = LOCALES.get(lang)
    if locale is None:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[locale], fallback=True)


def translate(message: str) -> str:
    """``gettext`` in the language speaking in this thread (the stdlib's outside). The empty
    string stays empty (gettext would answer with the catalogue's header)."""
    if not message:
        return message
    active = _speaking.get()
    return active.gettext(message) if active is not None else gettext.gettext(message)


def translate_plural(singular: str, plural: str, n: int) -> str:
    """``ngettext`` in the language speaking in this thread (the stdlib's outside)."""
    active = _speaking.get()
    if active is None:
        return gettext.ngettext(singular, plural, n)
    return active.ngettext(singular, plural, n)


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
    token = _speaking.set(translations(lang))
    try:
        yield
    finally:
        _speaking.reset(token)
