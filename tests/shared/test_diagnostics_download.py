"""Every vendor's diagnostics download, as a user would post it in a public issue: the raw
answers are there, they still fit together, and nothing of the account survives in it."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from tests.conftest import RunningSimulator
from tests.helpers import add_vendor_entry
from tests.simulator import allume, emporia, enphase, flowerhub, jspro

ACCOUNTS: dict[str, tuple[object, ...]] = {
    "allume": (
        *(allume.EMAIL, allume.PASSWORD, allume.USER_ID, allume.PROJECT_ID, allume.METER_ID),
        *(allume.STREET, "Example Street", "Sam", "Resident", "site-3", "consumer-1"),
        *(field for prop in allume.PROPERTIES for field in (prop.property_id, prop.unit, prop.nmi)),
    ),
    "emporia": (
        *(emporia.EMAIL, emporia.PASSWORD, emporia.EMPORIA_USERNAME, emporia.EMPORIA_PASSWORD),
        *(emporia.MONITOR_GID, emporia.PLUG_GID, emporia.CHARGER_GID, emporia.TIME_ZONE),
        *("Kitchen", "Heat pump", "Aquarium", "Driveway charger", "Sim", "A2107SIM0001", 5001),
    ),
    "enphase": (
        *(enphase.EMAIL, enphase.PASSWORD, enphase.E_AUTH_TOKEN, enphase.PASTED_SESSION),
        *("sim-xsrf", enphase.SITE_ID, enphase.SERIAL, "Garage EV", "192.168.1.50"),
        "00:1D:C0:11:22:33",
    ),
    "flowerhub": (
        *(flowerhub.USERNAME, flowerhub.PASSWORD, flowerhub.OWNER_ID, flowerhub.ASSET_ID),
        *(flowerhub.SERIAL, "Anna", "Andersson", "+46701234567", "Storgatan 1", "111 22"),
        *("Stockholm", "Verkstadsvägen 4", "Solna", 90210, "5000112345", "token=secret"),
    ),
    "jspro": (
        *(jspro.TOKEN, jspro.SERIAL, jspro.SITE_ID, jspro.SITE_NAME, "Jl. Bakti"),
        *("TBI24032703195", "AO67950111"),
    ),
}
"""What names the simulated accounts: credentials, people, addresses, sites, devices."""
READ_ENDPOINTS = {
    "allume": "/consumers/me/properties",
    "emporia": "/devices",
    "enphase": "/ev_chargers/status",
    "flowerhub": "/profile",
    "jspro": "/api/v1/device/information",
}
"""One endpoint per vendor whose JSON answer the download must hold."""


def _whole(value: object) -> re.Pattern[str]:
    """The value as a whole token: the owner id 4711 may be digits of a larger number."""
    return re.compile(rf"(?<![\w.]){re.escape(str(value))}(?!\w)")


@pytest.mark.parametrize("vendor", list(ACCOUNTS))
async def test_the_download_holds_the_answers_and_nothing_of_the_account(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: RunningSimulator,
    vendor: str,
) -> None:
    entry = hass.config_entries.async_get_known_entry(
        await add_vendor_entry(hass, simulator, vendor)
    )
    download: Any = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    text = json.dumps(download, ensure_ascii=False)
    for value in ACCOUNTS[vendor]:
        assert not _whole(value).search(text), value
    assert "127.0.0.1" not in text  # the simulator's address: the configured URL is an identity
    assert "eyJ" not in text  # no JWT, whole or in part
    answers = download["answers"]
    read = [answer for answer in answers if answer["path"].endswith(READ_ENDPOINTS[vendor])]
    assert read, [answer["path"] for answer in answers]
    assert read[0]["status"] == 200
    assert read[0]["json"]
    assert read[0]["headers"]["Content-Type"].startswith("application/json")
    if vendor == "emporia":  # the socket's last frame of each type is there too
        frames = {answer["frame"]: answer for answer in answers if answer["method"] == "WS"}
        assert {"authenticated", "deviceData"} <= set(frames)
        assert frames["deviceData"]["json"]["data"]


async def test_the_placeholders_fit_the_answers_together(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, simulator: RunningSimulator
) -> None:
    """The site and the charger keep one placeholder each: in the entry, the models, the
    answers' bodies and the paths, so that the answers can be served again as a site."""
    entry = hass.config_entries.async_get_known_entry(
        await add_vendor_entry(hass, simulator, "enphase")
    )
    download: Any = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    site = download["entry"]["data"]["site_id"]
    serial = download["data"]["chargers"][0]["serial"]
    assert site != enphase.SITE_ID and serial != enphase.SERIAL
    paths = [answer["path"] for answer in download["answers"]]
    assert f"/enphase/service/evse_controller/{site}/ev_chargers/status" in paths
    assert any(f"/{site}/{serial}/" in path for path in paths)
    bodies = json.dumps([answer.get("json") for answer in download["answers"]])
    assert serial in bodies
