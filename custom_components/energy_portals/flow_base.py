"""What every vendor's config flow shares: finishing, reauth/reconfigure dispatch, errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol
from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigFlow,
    ConfigFlowResult,
)
from homeassistant.data_entry_flow import section

from .const import CONF_ADVANCED, CONF_BASE_URL, CONF_VENDOR, LOGGER
from .errors import PortalAuthError, PortalConnectionError, PortalError
from .url_rules import InsecureUrlError


def advanced_section(default_base_url: str) -> dict[vol.Marker, Any]:
    """The collapsed `advanced` section with the vendor's base URL (for a proxy or simulator)."""
    return {
        vol.Required(CONF_ADVANCED): section(
            vol.Schema({vol.Required(CONF_BASE_URL, default=default_base_url): str}),
            {"collapsed": True},
        )
    }


def base_url_of(user_input: Mapping[str, Any], default_base_url: str) -> str:
    """The base URL from the advanced section, without a trailing slash."""
    advanced = user_input.get(CONF_ADVANCED) or {}
    url = str(advanced.get(CONF_BASE_URL) or default_base_url).strip()
    return url.rstrip("/")


def secret_field(key: str, *, keep_stored: bool) -> vol.Marker:
    """A password or token field: optional when reconfiguring (empty keeps the stored one).

    A stored secret is never put into a form.
    """
    return vol.Optional(key) if keep_stored else vol.Required(key)


def secret_value(user_input: Mapping[str, Any], key: str, stored: Mapping[str, Any] | None) -> str:
    """The secret typed in, else (when reconfiguring) the stored one."""
    typed = str(user_input.get(key) or "").strip()
    if not typed and stored is not None:
        return str(stored.get(key) or "")
    return typed


def error_key(err: Exception) -> str:
    """The translated form error for a failed validation."""
    if isinstance(err, InsecureUrlError):
        return err.key
    if isinstance(err, PortalAuthError):
        return "invalid_auth"
    if isinstance(err, PortalConnectionError):
        return "cannot_connect"
    if not isinstance(err, PortalError):
        LOGGER.exception("Unexpected error while validating")
    return "unknown"


class PortalFlowBase(ConfigFlow):
    """Steps shared by all vendors; each vendor adds `async_step_<vendor>...` steps."""

    VERSION = 1

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Ask the entry's vendor for fresh credentials."""
        return await self._async_vendor_step(str(entry_data[CONF_VENDOR]), "reauth")

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Let the entry's vendor change its settings."""
        vendor = str(self._get_reconfigure_entry().data[CONF_VENDOR])
        return await self._async_vendor_step(vendor, "reconfigure")

    async def _async_vendor_step(self, vendor: str, kind: str) -> ConfigFlowResult:
        step = getattr(self, f"async_step_{vendor}_{kind}")
        result: ConfigFlowResult = await step()
        return result

    async def async_finish(
        self,
        vendor: str,
        account_id: str,
        title: str,
        data: Mapping[str, Any],
        *,
        allow_other_account: bool = False,
        options: Mapping[str, Any] | None = None,
    ) -> ConfigFlowResult:
        """Create the entry, or update it when reauthenticating or reconfiguring.

        Reauth always refuses another account; reconfigure does unless the vendor allows
        moving the entry (Enphase may switch sites). `options` are the new entry's first
        options (ignored when updating an entry).
        """
        unique_id = f"{vendor}_{account_id}"
        full_data = {CONF_VENDOR: vendor, **data}
        if self.source == SOURCE_REAUTH:
            await self.async_set_unique_id(unique_id)
            self._abort_if_unique_id_mismatch(reason="wrong_account")
            return self.async_update_reload_and_abort(self._get_reauth_entry(), data=full_data)
        if self.source == SOURCE_RECONFIGURE:
            entry = self._get_reconfigure_entry()
            await self.async_set_unique_id(unique_id)
            if unique_id != entry.unique_id:
                if not allow_other_account:
                    self._abort_if_unique_id_mismatch(reason="wrong_account")
                self._abort_if_unique_id_configured()
            return self.async_update_reload_and_abort(
                entry, unique_id=unique_id, title=title, data=full_data
            )
        await self.async_set_unique_id(unique_id)
        self._abort_if_unique_id_configured()
        return self.async_create_entry(title=title, data=full_data, options=options)
