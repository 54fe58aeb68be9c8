"""Every locale says everything English says, with the same placeholders, and nothing more."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

COMPONENT = Path(__file__).parents[2] / "custom_components" / "energy_portals"
LOCALES = ["sv", "id", "de", "nl", "fr", "es", "it", "da", "nb", "fi", "pl", "pt-BR"]
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def _leaves(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    else:
        yield "/".join(path), node


def _strings(name: str) -> dict[str, str]:
    return dict(_leaves(json.loads((COMPONENT / name).read_text(encoding="utf-8"))))


ENGLISH = _strings("strings.json")


def test_every_shipped_locale_is_checked() -> None:
    """No translation file is left out of this test (a new locale joins LOCALES)."""
    shipped = {path.stem for path in (COMPONENT / "translations").glob("*.json")}
    assert shipped == {"en", *LOCALES}


@pytest.mark.parametrize("locale", LOCALES)
def test_locale_has_every_key_and_no_other(locale: str) -> None:
    """The locale translates every string of strings.json and has no key English lacks."""
    translated = _strings(f"translations/{locale}.json")
    assert sorted(set(ENGLISH) - set(translated)) == []
    assert sorted(set(translated) - set(ENGLISH)) == []
    assert [key for key, text in translated.items() if not str(text).strip()] == []


@pytest.mark.parametrize("locale", LOCALES)
def test_locale_keeps_the_placeholders(locale: str) -> None:
    """Each string names exactly the placeholders its English one names."""
    translated = _strings(f"translations/{locale}.json")
    differing = {
        key: (PLACEHOLDER.findall(ENGLISH[key]), PLACEHOLDER.findall(str(text)))
        for key, text in translated.items()
        if key in ENGLISH
        and sorted(PLACEHOLDER.findall(ENGLISH[key])) != sorted(PLACEHOLDER.findall(str(text)))
    }
    assert differing == {}


def test_every_icon_names_a_translation_key() -> None:
    """icons.json picks entities by translation key: a renamed key must not leave its icon
    behind (the Enphase icons once pointed at keys that no longer existed)."""
    icons = json.loads((COMPONENT / "icons.json").read_text(encoding="utf-8"))
    english = json.loads((COMPONENT / "strings.json").read_text(encoding="utf-8"))
    stale = [
        f"{platform}.{key}"
        for platform, keys in icons["entity"].items()
        for key in keys
        if key not in english["entity"].get(platform, {})
    ]
    assert stale == []
    assert set(icons["services"]) == set(english["services"])
