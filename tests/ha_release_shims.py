"""Shims for running the suite against a Home Assistant newer than the test plugin's pin.

scripts/test loads this module as an early pytest plugin (`-p tests.ha_release_shims`) only for
such a release (`.venv-newest`, or one named in HA_RELEASES). The test plugin
(pytest-homeassistant-custom-component) pins one release exactly and has no version yet for a
newer one; each shim below bridges one difference of its tooling, never of our code.
"""

from __future__ import annotations

from typing import Any

# Home Assistant 2026.11 replaces httpx by httpx2 and aliases the name when it is imported
# (`httpx2.alias_httpx()` in homeassistant/__init__.py), refusing if httpx came first; the
# test plugin imports respx (and so httpx) before Home Assistant. Importing it here, before
# the plugin loads, keeps the order Home Assistant needs.
import homeassistant  # noqa: F401
from homeassistant.components import logger as _logger
from homeassistant.components.logger import helpers as _logger_helpers

# 2026.11 no longer re-exports this test helper from the logger component, where the test
# plugin imports it from (it still lives in the component's helpers).
if not hasattr(_logger, "_clear_logger_overwrites"):
    setattr(  # noqa: B010 - put back where the plugin looks for it
        _logger, "_clear_logger_overwrites", _logger_helpers._clear_logger_overwrites
    )

from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import restore_state as _restore_state
from pytest_homeassistant_custom_component.syrupy import (
    HomeAssistantSnapshotSerializer as _Serializer,
)

# 2026.11 keeps the restored states by entity registry id (moved there from
# `last_states_by_entity_id` when an entity's registry entry is created, by a listener that
# its setup subscribes). The plugin's mock_restore_cache helpers write `last_states` on a new,
# never set up instance: this property takes those states and subscribes the listener.
_NEW_NAME = "last_states_by_entity_id"


def _set_last_states(data: Any, states: dict[str, Any]) -> None:
    setattr(data, _NEW_NAME, dict(states))
    data.hass.bus.async_listen(
        er.EVENT_ENTITY_REGISTRY_UPDATED,
        data._async_entity_registry_entry_created,
        event_filter=vars(_restore_state)["_entity_registry_entry_created_filter"],
    )


if _NEW_NAME in _restore_state.RestoreStateData.__init__.__code__.co_names:
    setattr(  # noqa: B010 - the old name, typed against the pinned release
        _restore_state.RestoreStateData,
        "last_states",
        property(lambda data: getattr(data, _NEW_NAME), _set_last_states),
    )

# 2026.11's entity registry entries gain `compat_name` (None for ours: we never had names of
# an older scheme), which the plugin's snapshot serializer does not leave out yet.
_serialize_entity = _Serializer.__dict__["_serializable_entity_registry_entry"].__func__


def _serializable_entity_registry_entry(cls: type[_Serializer], data: Any) -> Any:
    serialized = _serialize_entity(cls, data)
    serialized.pop("compat_name", None)
    return serialized


setattr(  # noqa: B010 - replaces the plugin's classmethod
    _Serializer,
    "_serializable_entity_registry_entry",
    classmethod(_serializable_entity_registry_entry),
)
