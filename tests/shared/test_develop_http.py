"""scripts/develop and scripts/e2e keep Home Assistant serving on 127.0.0.1 past the 5 minutes
in which Home Assistant 2026.10 reverts an unconfirmed `http:` configuration and restarts."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.http.config import DATA_STORE, HTTPConfigStore
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import async_fire_time_changed, async_mock_service
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
sys.path.insert(0, str(SCRIPTS))
from hass_api import Hass, confirm_http_config, drop_http_block  # noqa: E402


def on_trial(store: HTTPConfigStore) -> bool:
    """A pending configuration is waiting, or a revert is scheduled."""
    return store.pending is not None or store.revert_deadline is not None


def test_the_develop_configuration_loses_only_its_http_block(tmp_path: Path) -> None:
    """Once confirmed, the `http:` block leaves configuration.yaml (Home Assistant keeps it in
    its storage and would raise a repair issue for the ignored YAML on every later start)."""
    configuration = tmp_path / "configuration.yaml"
    develop = (SCRIPTS / "develop_configuration.yaml").read_text()
    configuration.write_text(f"{develop.rstrip()}\n  server_port: 18123\n")
    drop_http_block(configuration)
    text = configuration.read_text()
    assert "http:" not in text
    assert "server_host" not in text
    assert "server_port" not in text
    before_http = develop[: develop.index("http:")]
    assert text.rstrip() == before_http.rstrip()


async def test_confirmed_http_configuration_outlives_the_trial(
    hass: HomeAssistant,
    socket_enabled: None,
    hass_client: ClientSessionGenerator,
    hass_access_token: str,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The YAML block starts as a trial; confirm_http_config promotes it, so six minutes later
    Home Assistant has not restarted and still listens on 127.0.0.1 only."""
    restarts = async_mock_service(hass, "homeassistant", "restart")
    assert await async_setup_component(hass, "http", {"http": {"server_host": "127.0.0.1"}})
    assert await async_setup_component(hass, "websocket_api", {})
    store = hass.data[DATA_STORE]
    assert on_trial(store)

    client = await hass_client()
    url = str(client.make_url("")).rstrip("/")
    stable = await confirm_http_config(Hass(client.session, url, hass_access_token))

    assert stable["server_host"] == ["127.0.0.1"]
    assert not on_trial(store)
    freezer.tick(timedelta(minutes=6))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert restarts == []
    assert store.stable["server_host"] == ["127.0.0.1"]
    # Asked again (as after a restart), nothing is pending and the binding holds.
    assert (await confirm_http_config(Hass(client.session, url, hass_access_token))) == stable


async def test_an_unconfirmed_trial_restarts_home_assistant(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """What the scripts guard against: without the promotion, Home Assistant reverts and
    restarts five minutes after it starts."""
    restarts = async_mock_service(hass, "homeassistant", "restart")
    assert await async_setup_component(hass, "http", {"http": {"server_host": "127.0.0.1"}})
    freezer.tick(timedelta(minutes=6))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert len(restarts) == 1
