"""The FlowerHub steps of the config flow, and its options."""

from __future__ import annotations

from typing import Any

import voluptuous as vol
from homeassistant.config_entries import ConfigFlowResult, OptionsFlowWithReload
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from ...const import CONF_BASE_URL
from ...flow_base import (
    PortalFlowBase,
    advanced_section,
    base_url_of,
    error_key,
    secret_field,
    secret_value,
)
from ...session import temporary_session
from ...url_rules import require_cloud_url
from .api import DEFAULT_BASE_URL, FlowerHubClient
from .const import (
    CONF_ASSET_OWNER_ID,
    CONF_STATUS_INTERVAL,
    DEFAULT_STATUS_INTERVAL,
    MAX_STATUS_INTERVAL,
    MIN_STATUS_INTERVAL,
    VENDOR_KEY,
)
from .models import Login

_USERNAME = TextSelector(TextSelectorConfig(type=TextSelectorType.EMAIL, autocomplete="username"))
_PASSWORD = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="current-password")
)


def _credentials_schema(
    username: str | None = None, *, keep_stored: bool = False
) -> dict[vol.Marker, Any]:
    return {
        vol.Required(CONF_USERNAME, default=username or vol.UNDEFINED): _USERNAME,
        secret_field(CONF_PASSWORD, keep_stored=keep_stored): _PASSWORD,
    }


class FlowerHubFlow(PortalFlowBase):
    """Username and password of the FlowerHub portal."""

    async def async_step_flowerhub(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Log in to add the account."""
        return await self._async_flowerhub_login("flowerhub", user_input, DEFAULT_BASE_URL, None)

    async def async_step_flowerhub_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """New credentials or another base URL for the same account."""
        data = self._get_reconfigure_entry().data
        return await self._async_flowerhub_login(
            "flowerhub_reconfigure", user_input, data[CONF_BASE_URL], data[CONF_USERNAME]
        )

    async def async_step_flowerhub_reauth(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The stored password stopped working: ask again."""
        data = self._get_reauth_entry().data
        errors: dict[str, str] = {}
        if user_input is not None:
            new_data = {**data, **user_input}
            try:
                login = await self._async_flowerhub_validate(new_data)
            except Exception as err:  # noqa: BLE001 - shown as an error, logged by error_key
                errors["base"] = error_key(err)
            else:
                return await self._async_flowerhub_finish(new_data, login)
        return self.async_show_form(
            step_id="flowerhub_reauth",
            data_schema=vol.Schema(_credentials_schema(data[CONF_USERNAME])),
            errors=errors,
        )

    async def _async_flowerhub_login(
        self,
        step_id: str,
        user_input: dict[str, Any] | None,
        base_url: str,
        username: str | None,
    ) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        reconfiguring = step_id == "flowerhub_reconfigure"
        stored = self._get_reconfigure_entry().data if reconfiguring else None
        if user_input is not None:
            data = {
                CONF_USERNAME: user_input[CONF_USERNAME].strip(),
                CONF_PASSWORD: secret_value(user_input, CONF_PASSWORD, stored),
                CONF_BASE_URL: base_url_of(user_input, base_url),
            }
            try:
                require_cloud_url(data[CONF_BASE_URL])
                login = await self._async_flowerhub_validate(data)
            except Exception as err:  # noqa: BLE001 - shown as an error, logged by error_key
                errors["base"] = error_key(err)
            else:
                return await self._async_flowerhub_finish(data, login)
            username = data[CONF_USERNAME]
        schema = vol.Schema(
            {
                **_credentials_schema(username, keep_stored=reconfiguring),
                **advanced_section(base_url),
            }
        )
        return self.async_show_form(step_id=step_id, data_schema=schema, errors=errors)

    async def _async_flowerhub_validate(self, data: dict[str, Any]) -> Login:
        """Log in once with a throw-away cookie jar."""
        async with temporary_session(self.hass) as session:
            client = FlowerHubClient(
                session,
                username=data[CONF_USERNAME],
                password=data[CONF_PASSWORD],
                base_url=data[CONF_BASE_URL],
            )
            return await client.async_login()

    async def _async_flowerhub_finish(self, data: dict[str, Any], login: Login) -> ConfigFlowResult:
        data = {key: value for key, value in data.items() if key != "vendor"}
        return await self.async_finish(
            VENDOR_KEY,
            login.asset_owner_id,
            ENTRY_TITLE,
            {**data, CONF_ASSET_OWNER_ID: login.asset_owner_id},
        )


ENTRY_TITLE = "FlowerHub battery"
"""The entry names the battery system, never its owner."""


def old_entry_titles(login: Login | None) -> list[str]:
    """The titles older releases made up: the owner's full name."""
    return ["FlowerHub"] + ([f"FlowerHub {login.name}"] if login and login.name else [])


class FlowerHubOptionsFlow(OptionsFlowWithReload):
    """How often the battery system's status is read."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show and save the options."""
        if user_input is not None:
            return self.async_create_entry(data=user_input)
        interval = self.config_entry.options.get(CONF_STATUS_INTERVAL, DEFAULT_STATUS_INTERVAL)
        schema = vol.Schema(
            {
                vol.Required(CONF_STATUS_INTERVAL, default=interval): vol.All(
                    vol.Coerce(int), vol.Range(min=MIN_STATUS_INTERVAL, max=MAX_STATUS_INTERVAL)
                ),
            }
        )
        return self.async_show_form(step_id="init", data_schema=schema)
