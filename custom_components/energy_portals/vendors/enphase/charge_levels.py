"""The charge levels a charger accepts, and the charger config endpoint that holds its default
level (no Home Assistant imports here; the facts are in enphase-cloud-more.md, section 7).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...errors import PortalResponseError
from ...parse import as_int, as_list, as_object, as_str

CONFIG_PATH = "/service/evse_controller/api/v1/{site}/ev_chargers/{serial}/ev_charger_config"
DEFAULT_LEVEL_KEY = "DefaultChargeLevel"
DEFAULT_LEVEL_READ = [{"key": DEFAULT_LEVEL_KEY}]
"""The body that reads the default level (the endpoint reads a list of keys)."""


@dataclass(frozen=True, slots=True)
class ChargeLevels:
    """The amps a charger accepts: from `min` to `max` in steps of `step` counted from `min`
    (coarse chargers state steps such as 16 A: 16, 32, 48, 64)."""

    min: int
    max: int
    step: int = 1

    def snap(self, amps: float) -> int:
        """The highest accepted level not above `amps` (a limit, never exceeded: a breaker or
        the load balancing counts on it), and at least the minimum."""
        below = int((min(max(amps, self.min), self.max) - self.min) // self.step)
        return self.min + below * self.step


@dataclass(frozen=True, slots=True)
class DefaultLevel:
    """The charger's default charge level: None when unset or "disabled"."""

    amps: int | None


@dataclass(frozen=True, slots=True)
class ChargerConfig:
    """What one read of the charger config holds: its default level and its authentications
    (authentication.py), each None where the config has no such key."""

    default_level: DefaultLevel | None
    authentication: dict[str, bool | None] | None


def default_level_write(amps: int) -> list[dict[str, Any]]:
    """The body that sets the default level (integer amps)."""
    return [{"key": DEFAULT_LEVEL_KEY, "value": amps}]


def parse_default_level(body: Any) -> DefaultLevel | None:
    """The default level from a config answer (`data[]` of `{key, value, reqValue, status}`,
    or a bare list); None when the answer has no such key: the charger does not offer it."""
    answer = as_object(body).get("data") if isinstance(body, dict) else body
    if not isinstance(answer, list):
        raise PortalResponseError("Charger config answer has no list")
    for raw in as_list(answer):
        item = as_object(raw)
        if item.get("key") == DEFAULT_LEVEL_KEY:
            value = as_str(item.get("value"))
            return DefaultLevel(None if value is None else as_int(value))
    return None
