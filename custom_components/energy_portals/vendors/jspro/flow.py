"""The JSPro steps of the config flow (address, optional token, TLS check) and its options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol
from homeassistant.config_entries import ConfigFlowResult, OptionsFlowWithReload
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from yarl import URL

from ...devices import CONF_DEVICE_REMOVAL_DAYS, DEFAULT_DEVICE_REMOVAL_DAYS, REMOVAL_DAYS
from ...errors import PortalResponseError
from ...flow_base import PortalFlowBase, error_key
from ...url_rules import require_local_url
from .api import JsproApiError, JsproClient
from .const import (
    CONF_API_TOKEN,
    CONF_MONITORING_INTERVAL,
    CONF_SYSTEM_INTERVAL,
    CONF_URL,
    CONF_VERIFY_SSL,
    DEFAULT_MONITORING_INTERVAL,
    DEFAULT_SYSTEM_INTERVAL,
    MAX_INTERVAL,
    MIN_INTERVAL,
    VENDOR_KEY,
)
from .models import DeviceInformation

_URL = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
_SECRET = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))


class InvalidUrlError(Exception):
    """The address is not an http(s) URL."""


def normalise_url(value: str) -> str:
    """An http(s) base URL without a trailing slash; a bare host gets http://."""
    text = value.strip()
    if "://" not in text:
        text = f"http://{text}"
    try:
        url = URL(text)
    except ValueError as err:
        raise InvalidUrlError from err
    if url.scheme not in ("http", "https") or not url.host:
        raise InvalidUrlError
    return text.rstrip("/")


def jspro_error_key(err: Exception) -> str:
    """The form error of a failed validation."""
    if isinstance(err, InvalidUrlError):
        return "jspro_invalid_url"
    if isinstance(err, JsproApiError) and (err.status or 0) >= 500:
        return "cannot_connect"
    if isinstance(err, PortalResponseError) and not isinstance(err, JsproApiError):
        return "not_jspro"
    return error_key(err)


def settings_schema(defaults: Mapping[str, Any]) -> vol.Schema:
    """Address, token and TLS check; the address and check prefilled, never the token."""
    return vol.Schema(
        {
            vol.Required(CONF_URL, default=defaults.get(CONF_URL, "")): _URL,
            vol.Optional(CONF_API_TOKEN): _SECRET,
            vol.Required(CONF_VERIFY_SSL, default=defaults.get(CONF_VERIFY_SSL, True)): bool,
        }
    )


def entry_title(info: DeviceInformation) -> str:
    """The site's name, else `JSPro site controller` (never its serial or site id)."""
    return info.site_name or "JSPro site controller"


def old_entry_titles(info: DeviceInformation) -> list[str]:
    """The titles older releases made up for a site without a name: its id or serial."""
    return [f"JSPro {info.site_id or info.serial_number}"]


class JsproFlow(PortalFlowBase):
    """One site controller per entry, identified by its serial number."""

    async def async_step_jspro(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the controller's address."""
        return await self._async_jspro_settings("jspro", user_input, {})

    async def async_step_jspro_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """A new address or token for the same controller."""
        entry_data = self._get_reconfigure_entry().data
        return await self._async_jspro_settings("jspro_reconfigure", user_input, entry_data)

    async def async_step_jspro_reauth(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """A new token for the same controller."""
        entry_data = self._get_reauth_entry().data
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry_data, CONF_API_TOKEN: (user_input.get(CONF_API_TOKEN) or "").strip()}
            try:
                info = await self._async_jspro_information(data)
            except Exception as err:  # noqa: BLE001 - every failure becomes a form error
                errors["base"] = jspro_error_key(err)
            else:
                return await self._async_jspro_finish(data, info)
        schema = vol.Schema({vol.Optional(CONF_API_TOKEN): _SECRET})
        return self.async_show_form(
            step_id="jspro_reauth",
            data_schema=schema,
            errors=errors,
            description_placeholders={"url": str(entry_data[CONF_URL])},
        )

    async def _async_jspro_settings(
        self, step_id: str, user_input: dict[str, Any] | None, defaults: Mapping[str, Any]
    ) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                token = (user_input.get(CONF_API_TOKEN) or "").strip()
                url = normalise_url(user_input[CONF_URL])
                require_local_url(url)
                data = {
                    CONF_URL: url,
                    # Never shown again: an empty field keeps the stored token.
                    CONF_API_TOKEN: token or str(defaults.get(CONF_API_TOKEN) or ""),
                    CONF_VERIFY_SSL: bool(user_input.get(CONF_VERIFY_SSL, True)),
                }
                info = await self._async_jspro_information(data)
            except Exception as err:  # noqa: BLE001 - every failure becomes a form error
                errors["base"] = jspro_error_key(err)
            else:
                return await self._async_jspro_finish(data, info)
            defaults = {**defaults, **user_input, CONF_API_TOKEN: defaults.get(CONF_API_TOKEN)}
        return self.async_show_form(
            step_id=step_id, data_schema=settings_schema(defaults), errors=errors
        )

    async def _async_jspro_information(self, data: Mapping[str, Any]) -> DeviceInformation:
        client = JsproClient(
            async_get_clientsession(self.hass, verify_ssl=data[CONF_VERIFY_SSL]),
            data[CONF_URL],
            api_token=data[CONF_API_TOKEN] or None,
        )
        return await client.async_get_information()

    async def _async_jspro_finish(
        self, data: Mapping[str, Any], info: DeviceInformation
    ) -> ConfigFlowResult:
        assert info.account_id is not None  # the client refuses answers without one
        data = {key: value for key, value in data.items() if key != "vendor"}
        return await self.async_finish(VENDOR_KEY, info.account_id, entry_title(info), data)


class JsproOptionsFlow(OptionsFlowWithReload):
    """How often the monitoring and system data are read."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show and save the intervals."""
        if user_input is not None:
            return self.async_create_entry(data=user_input)
        options = self.config_entry.options
        interval = vol.All(vol.Coerce(int), vol.Range(min=MIN_INTERVAL, max=MAX_INTERVAL))
        schema = vol.Schema(
            {
                vol.Required(
                    CONF_MONITORING_INTERVAL,
                    default=options.get(CONF_MONITORING_INTERVAL, DEFAULT_MONITORING_INTERVAL),
                ): interval,
                vol.Required(
                    CONF_SYSTEM_INTERVAL,
                    default=options.get(CONF_SYSTEM_INTERVAL, DEFAULT_SYSTEM_INTERVAL),
                ): interval,
                vol.Required(
                    CONF_DEVICE_REMOVAL_DAYS,
                    default=options.get(CONF_DEVICE_REMOVAL_DAYS, DEFAULT_DEVICE_REMOVAL_DAYS),
                ): REMOVAL_DAYS,
            }
        )
        return self.async_show_form(step_id="init", data_schema=schema)
