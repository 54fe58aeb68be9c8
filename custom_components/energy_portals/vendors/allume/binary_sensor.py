"""Solar surplus now: the property's newest 5-minute interval exported solar (live option)."""

from __future__ import annotations

from homeassistant.components.binary_sensor import BinarySensorEntity, BinarySensorEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import AllumeConfigEntry
from .entity import AllumeLiveEntity

SOLAR_SURPLUS = BinarySensorEntityDescription(
    key="solar_surplus", translation_key="allume_solar_surplus"
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AllumeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each property's surplus sensor, when live readings are on."""
    coordinator = entry.runtime_data
    if coordinator.live is None:
        return
    async_add_entities(
        SolarSurplusBinarySensor(coordinator.live, SOLAR_SURPLUS, prop)
        for prop in coordinator.properties
    )


class SolarSurplusBinarySensor(AllumeLiveEntity, BinarySensorEntity):
    """On while the newest interval exported solar: more sun than the property used, a
    moment to start an appliance."""

    @property
    def is_on(self) -> bool | None:
        """Whether the newest interval exported solar (unknown once it is too old)."""
        reading = self.reading
        return None if reading is None else reading.surplus
