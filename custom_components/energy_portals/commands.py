"""Commands to a vendor: their failures become translated Home Assistant errors."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from homeassistant.exceptions import HomeAssistantError

from .const import DOMAIN
from .errors import PortalAuthError, PortalError, PortalRateLimitError


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
