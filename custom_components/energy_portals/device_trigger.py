"""Device triggers: only Enphase chargers have them (vendors/enphase/device_trigger.py)."""

from .vendors.enphase.device_trigger import (
    TRIGGER_SCHEMA,
    async_attach_trigger,
    async_get_triggers,
)

__all__ = ["TRIGGER_SCHEMA", "async_attach_trigger", "async_get_triggers"]
