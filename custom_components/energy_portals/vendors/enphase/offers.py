"""Which optional settings each charger has (the default level, the schedules): the cloud
tells by answering, or by refusing (401, 403, 404) or leaving the setting out."""

from __future__ import annotations

from dataclasses import dataclass, field

OFFER_CHECKS = 3
"""Refusals in a row after which a setting that answered before is taken as gone."""


@dataclass
class Offers:
    """Per (setting, serial): answered, or not offered (not asked again until a restart)."""

    not_offered: set[tuple[str, str]] = field(default_factory=set)
    misses: dict[tuple[str, str], int] = field(default_factory=dict)
    """Settings that answered once, and their refusals in a row since."""

    def answered(self, key: tuple[str, str]) -> None:
        """The setting answered."""
        self.misses[key] = 0

    def gone(self, key: tuple[str, str]) -> bool:
        """The setting was refused or left out: True when the charger has none (never
        answered, or refused OFFER_CHECKS times in a row since), False for an outage."""
        misses = self.misses.get(key)
        if misses is not None and misses + 1 < OFFER_CHECKS:
            self.misses[key] = misses + 1
            return False
        self.not_offered.add(key)
        return True
