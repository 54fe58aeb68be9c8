"""Fix flows of the repair issues that have one (vendors/<vendor>/repairs.py)."""

from __future__ import annotations

from typing import Any

from homeassistant.components.repairs import ConfirmRepairFlow, RepairsFlow
from homeassistant.core import HomeAssistant

from .vendors.enphase.repairs import fix_flow as enphase_fix_flow


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    """The issue's fix flow (a plain confirmation for any other)."""
    entry_id = str((data or {}).get("entry_id", ""))
    return enphase_fix_flow(issue_id, entry_id) or ConfirmRepairFlow()
