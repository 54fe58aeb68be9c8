"""The base entity: one device, one description, data read through a getter."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity, DataUpdateCoordinator

from .const import DOMAIN
from .errors import PortalAuthError, PortalError, PortalRateLimitError


@dataclass(frozen=True, slots=True)
class PortalDevice[SubjectT]:
    """A real thing (charger, property, pack) and how to read its current data.

    `key` prefixes every unique id of the device's entities (`<vendor>_<serial>`);
    `data` returns the thing's current model, or None while it is missing.
    """

    key: str
    info: DeviceInfo
    data: Callable[[], SubjectT | None]


class PortalEntity[CoordinatorT: DataUpdateCoordinator[Any], SubjectT](
    CoordinatorEntity[CoordinatorT]
):
    """An entity of one PortalDevice, unavailable while the device's data is missing."""

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: CoordinatorT,
        description: EntityDescription,
        device: PortalDevice[SubjectT],
    ) -> None:
        super().__init__(coordinator)
        self.entity_description = description
        self.device = device
        self._attr_unique_id = f"{device.key}_{description.key}"
        self._attr_device_info = device.info

    @property
    def subject(self) -> SubjectT | None:
        """The device's current data."""
        return self.device.data()

    @property
    def available(self) -> bool:
        return super().available and self.subject is not None


def attributes_or_none(
    attrs_fn: Callable[[Any], Mapping[str, Any]] | None, subject: Any
) -> Mapping[str, Any] | None:
    """Extra state attributes from a description's attrs_fn, when it has one."""
    if attrs_fn is None or subject is None:
        return None
    return attrs_fn(subject)


async def run_command(command: Awaitable[Any]) -> Any:
    """Run a command against a vendor; its failures become translated HomeAssistantErrors."""
    try:
        return await command
    except PortalAuthError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="command_auth_failed"
        ) from err
    except PortalRateLimitError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="command_rate_limited"
        ) from err
    except PortalError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="command_failed",
            translation_placeholders={"error": str(err)},
        ) from err
