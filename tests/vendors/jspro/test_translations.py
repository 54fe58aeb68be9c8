"""JSPro strings: English and Indonesian cover every key the code uses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import yaml
from homeassistant.helpers.entity import EntityDescription

from custom_components.energy_portals.vendors.jspro.binary_sensor import (
    ACTIVE_BINARY_SENSORS,
    PACK_BINARY_SENSORS,
    SCC_BINARY_SENSORS,
    SYSTEMD_BINARY_SENSORS,
)
from custom_components.energy_portals.vendors.jspro.button import CLEAR_ALARM_LOG
from custom_components.energy_portals.vendors.jspro.sensor import (
    ALARM_SENSORS,
    LOGGER_SENSORS,
    PACK_SENSORS,
    RELAY_SENSORS,
    RESOURCE_SENSORS,
    SCC_SENSORS,
    SITE_SENSORS,
    SYSTEMD_SENSORS,
    cell_temperature,
    cell_voltage,
)

ROOT = Path(__file__).parents[3] / "custom_components" / "energy_portals"


def load(name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((ROOT / name).read_text(encoding="utf-8"))
    return result


def keys(tree: dict[str, Any], prefix: str = "") -> set[str]:
    found = set()
    for key, value in tree.items():
        path = f"{prefix}.{key}" if prefix else key
        found |= keys(value, path) if isinstance(value, dict) else {path}
    return found


def jspro_keys(tree: dict[str, Any]) -> set[str]:
    return {
        k
        for k in keys(tree)
        if "jspro" in k or "monitoring_interval" in k or "system_interval" in k
    }


def test_english_files_identical() -> None:
    """translations/en.json is an exact copy of strings.json."""
    assert load("strings.json") == load("translations/en.json")


def test_indonesian_has_every_jspro_key() -> None:
    """Indonesian has every JSPro key and no key English lacks."""
    english = jspro_keys(load("strings.json"))
    indonesian = keys(load("translations/id.json"))
    assert english - indonesian == set()
    assert indonesian - keys(load("strings.json")) == set()


def test_every_translation_key_is_named() -> None:
    """Every JSPro description's translation key has an English name."""
    strings = load("strings.json")["entity"]
    sensors = [
        *SCC_SENSORS,
        *RELAY_SENSORS,
        *SITE_SENSORS,
        *RESOURCE_SENSORS,
        *SYSTEMD_SENSORS,
        *LOGGER_SENSORS,
        *ALARM_SENSORS,
        *PACK_SENSORS,
        cell_voltage(0),
        cell_temperature(0),
    ]
    binary = [
        *SCC_BINARY_SENSORS,
        *SYSTEMD_BINARY_SENSORS,
        *PACK_BINARY_SENSORS,
        *ACTIVE_BINARY_SENSORS,
    ]
    for platform, descriptions in (
        ("sensor", sensors),
        ("binary_sensor", binary),
        ("button", [CLEAR_ALARM_LOG]),
    ):
        for description in cast("list[EntityDescription]", descriptions):
            assert description.translation_key is not None
            assert description.translation_key in strings[platform], description.key
            assert description.translation_key.startswith("jspro_")


def test_services_described() -> None:
    """Every JSPro action field is described in strings.json."""
    services = yaml.safe_load((ROOT / "services.yaml").read_text(encoding="utf-8"))
    strings = load("strings.json")["services"]
    for name in ("jspro_get_logs", "jspro_delete_logger_data"):
        assert set(services[name]["fields"]) == set(strings[name]["fields"])
