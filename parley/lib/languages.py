"""Language codes and their names in English.

Codes are ISO 639-1 where one exists. Serbian, Croatian, Bosnian and
Montenegrin are one group, "hbs": detectors cannot tell them apart on comment-
length text, readers of one read the others, and a model for any of them
translates all of them (docs/decisions/0006-language-groups.md).
"""

from __future__ import annotations

from django.conf.locale import LANG_INFO

UNKNOWN = ""
GROUP_HBS = "hbs"
_GROUPS = {"sr": GROUP_HBS, "hr": GROUP_HBS, "bs": GROUP_HBS, "sh": GROUP_HBS, "cnr": GROUP_HBS}
_MEMBERS = {GROUP_HBS: ("sr", "hr", "bs")}
_NAMES = {GROUP_HBS: "Serbian/Croatian/Bosnian", "sh": "Serbian/Croatian/Bosnian"}
_LOCAL_NAMES = {GROUP_HBS: "Srpski/Hrvatski/Bosanski"}


def canonical(code: str) -> str:
    """The code Parley stores for a language: lower case, base language, groups merged."""
    code = (code or "").strip().lower().replace("_", "-").split("-", 1)[0]
    return _GROUPS.get(code, code)


def members(code: str) -> tuple[str, ...]:
    """The codes an engine may know a stored language by ("hbs" → sr, hr, bs)."""
    return _MEMBERS.get(code, (code,))


def name(code: str) -> str:
    """ "Portuguese" for "pt"; the code itself for a language Django has no name for."""
    if code in _NAMES:
        return _NAMES[code]
    info = LANG_INFO.get(code)
    return str(info["name"]) if info and "name" in info else code


def is_known(code: str) -> bool:
    return code in _NAMES or code in LANG_INFO


def local_name(code: str) -> str:
    """The language's name in itself ("Português"), else its English name."""
    if code in _LOCAL_NAMES:
        return _LOCAL_NAMES[code]
    info = LANG_INFO.get(code)
    return str(info["name_local"]) if info and "name_local" in info else name(code)
