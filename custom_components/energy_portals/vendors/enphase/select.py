"""The charge mode of an Enphase charger: Manual, Scheduled, Green, and Smart where offered."""

from __future__ import annotations

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import EnphaseConfigEntry
from .entity import EnphaseEntity, add_charger_entities
from .models import CHARGE_MODE_STATES as OPTIONS
from .models import ChargeMode

CHARGE_MODE = SelectEntityDescription(key="charge_mode", translation_key="enphase_charge_mode")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EnphaseConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each charger's charge mode."""
    add_charger_entities(
        entry,
        async_add_entities,
        lambda serial: [ChargeModeSelect(entry.runtime_data, CHARGE_MODE, serial)],
    )


class ChargeModeSelect(EnphaseEntity, SelectEntity):
    """The mode the owner chose; unknown while the scheduler has not told it. The mode the
    charger charges in now is the effective charge mode sensor's."""

    @property
    def options(self) -> list[str]:
        """The modes this charger offers (Smart only with the battery's AI profile)."""
        charger = self.charger
        offered = charger.modes.offered if charger and charger.modes else ()
        return [
            OPTIONS[mode] for mode in OPTIONS if mode in offered or mode is not ChargeMode.SMART
        ]

    @property
    def current_option(self) -> str | None:
        """The preference's mode, else what the status says (#424)."""
        charger = self.charger
        mode = charger.charge_mode if charger else None
        return None if mode is None else OPTIONS[mode]

    async def async_select_option(self, option: str) -> None:
        """Write the mode (Scheduled needs an enabled schedule: the refusal says so; Green
        during a manual override of it ends the override)."""
        mode = next(mode for mode, name in OPTIONS.items() if name == option)
        await self.coordinator.commands.async_set_charge_mode(self.serial, mode)
