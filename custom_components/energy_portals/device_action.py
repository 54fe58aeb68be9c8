"""Device actions: only Enphase chargers have them (vendors/enphase/device_action.py)."""

from .vendors.enphase.device_action import (
    ACTION_SCHEMA,
    async_call_action_from_config,
    async_get_action_capabilities,
    async_get_actions,
)

__all__ = [
    "ACTION_SCHEMA",
    "async_call_action_from_config",
    "async_get_action_capabilities",
    "async_get_actions",
]
