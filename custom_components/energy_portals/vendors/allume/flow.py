"""The Allume steps of the config flow, and its options."""

from __future__ import annotations

from typing import Any

import voluptuous as vol
from homeassistant.config_entries import ConfigFlowResult, OptionsFlowWithReload
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from ...const import CONF_BASE_URL
from ...devices import CONF_DEVICE_REMOVAL_DAYS, DEFAULT_DEVICE_REMOVAL_DAYS, REMOVAL_DAYS
from ...flow_base import (
    PortalFlowBase,
    advanced_section,
    base_url_of,
    error_key,
    secret_field,
    secret_value,
)
from ...url_rules import cloud_url_error
from .api import DEFAULT_BASE_URL, AllumeClient
from .const import (
    CONF_EMAIL,
    CONF_HISTORY_DAYS,
    CONF_LIVE_INTERVAL,
    CONF_PASSWORD,
    DEFAULT_HISTORY_DAYS,
    DEFAULT_LIVE_INTERVAL,
    LIVE_INTERVALS,
    MAX_HISTORY_DAYS,
    VENDOR_KEY,
)
from .models import Property, User

_PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
_EMAIL = TextSelector(TextSelectorConfig(type=TextSelectorType.EMAIL, autocomplete="username"))
_DAYS = NumberSelector(
    NumberSelectorConfig(min=1, max=MAX_HISTORY_DAYS, step=1, mode=NumberSelectorMode.BOX)
)


class NoPropertiesError(Exception):
    """The account logged in but has no property."""


class AllumeFlow(PortalFlowBase):
    """E-mail and password; reauth asks for a new password."""

    async def async_step_allume(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the SolCentre login and how much history to import."""
        return await self._async_allume_login("allume", user_input, {}, DEFAULT_BASE_URL)

    async def async_step_allume_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Another login (of the same account) or base URL."""
        data = self._get_reconfigure_entry().data
        return await self._async_allume_login(
            "allume_reconfigure",
            user_input,
            {CONF_EMAIL: data[CONF_EMAIL]},
            data[CONF_BASE_URL],
        )

    async def async_step_allume_reauth(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The password was refused: ask for the new one."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {
                CONF_EMAIL: entry.data[CONF_EMAIL],
                CONF_PASSWORD: user_input[CONF_PASSWORD],
                CONF_BASE_URL: entry.data[CONF_BASE_URL],
            }
            result = await self._async_allume_validate(data, errors)
            if result is not None:
                return result
        return self.async_show_form(
            step_id="allume_reauth",
            data_schema=vol.Schema({vol.Required(CONF_PASSWORD): _PASSWORD}),
            description_placeholders={"email": entry.data[CONF_EMAIL]},
            errors=errors,
        )

    async def _async_allume_login(
        self,
        step_id: str,
        user_input: dict[str, Any] | None,
        defaults: dict[str, Any],
        base_url: str,
    ) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        reconfiguring = step_id == "allume_reconfigure"
        stored = self._get_reconfigure_entry().data if reconfiguring else None
        if user_input is not None:
            data = {
                CONF_EMAIL: user_input[CONF_EMAIL].strip(),
                CONF_PASSWORD: secret_value(user_input, CONF_PASSWORD, stored),
                CONF_BASE_URL: base_url_of(user_input, base_url),
            }
            options = None
            if CONF_HISTORY_DAYS in user_input:
                options = {CONF_HISTORY_DAYS: int(user_input[CONF_HISTORY_DAYS])}
            if problem := cloud_url_error(data[CONF_BASE_URL]):
                errors["base"] = problem
            elif result := await self._async_allume_validate(data, errors, options):
                return result
            defaults = {CONF_EMAIL: data[CONF_EMAIL]}
        fields: dict[Any, Any] = {
            vol.Required(CONF_EMAIL, default=defaults.get(CONF_EMAIL, vol.UNDEFINED)): _EMAIL,
            secret_field(CONF_PASSWORD, keep_stored=reconfiguring): _PASSWORD,
        }
        if step_id == "allume":
            fields[vol.Required(CONF_HISTORY_DAYS, default=DEFAULT_HISTORY_DAYS)] = _DAYS
        fields.update(advanced_section(base_url))
        return self.async_show_form(step_id=step_id, data_schema=vol.Schema(fields), errors=errors)

    async def _async_allume_validate(
        self,
        data: dict[str, Any],
        errors: dict[str, str],
        options: dict[str, Any] | None = None,
    ) -> ConfigFlowResult | None:
        """Log in and read the properties; finish, or fill `errors` and return None."""
        try:
            user, properties = await self._async_allume_user(data)
        except NoPropertiesError:
            errors["base"] = "allume_no_properties"
        except Exception as err:  # noqa: BLE001 - shown as a form error, logged by error_key
            errors["base"] = error_key(err)
        else:
            title = entry_title(properties)
            return await self.async_finish(VENDOR_KEY, user.user_id, title, data, options=options)
        return None

    async def _async_allume_user(self, data: dict[str, Any]) -> tuple[User, list[Property]]:
        client = AllumeClient(
            async_get_clientsession(self.hass),
            email=data[CONF_EMAIL],
            password=data[CONF_PASSWORD],
            base_url=data[CONF_BASE_URL],
        )
        user = await client.async_login()
        properties = await client.async_get_properties()
        if not properties:
            raise NoPropertiesError
        return user, properties


def entry_title(properties: list[Property]) -> str:
    """`SolCentre <the building's street>`: the account's first property, never the e-mail."""
    first = properties[0] if properties else None
    place = (first.street or first.address) if first else None
    return f"SolCentre {place}" if place else "SolCentre"


_LIVE_INTERVALS = SelectSelector(
    SelectSelectorConfig(
        options=[str(minutes) for minutes in LIVE_INTERVALS],
        translation_key="allume_live_interval",
        mode=SelectSelectorMode.DROPDOWN,
    )
)
"""Off or every 5 to 30 minutes; each choice's label says its requests a day per property."""


class AllumeOptionsFlow(OptionsFlowWithReload):
    """How many days of history the first setup imports; how often live readings come."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show and save the options."""
        if user_input is not None:
            return self.async_create_entry(
                data={
                    CONF_HISTORY_DAYS: int(user_input[CONF_HISTORY_DAYS]),
                    CONF_LIVE_INTERVAL: int(user_input[CONF_LIVE_INTERVAL]),
                    CONF_DEVICE_REMOVAL_DAYS: int(user_input[CONF_DEVICE_REMOVAL_DAYS]),
                }
            )
        options = self.config_entry.options
        days = options.get(CONF_HISTORY_DAYS, DEFAULT_HISTORY_DAYS)
        schema = vol.Schema(
            {
                vol.Required(CONF_HISTORY_DAYS, default=days): _DAYS,
                vol.Required(
                    CONF_LIVE_INTERVAL,
                    default=str(options.get(CONF_LIVE_INTERVAL, DEFAULT_LIVE_INTERVAL)),
                ): _LIVE_INTERVALS,
                vol.Required(
                    CONF_DEVICE_REMOVAL_DAYS,
                    default=options.get(CONF_DEVICE_REMOVAL_DAYS, DEFAULT_DEVICE_REMOVAL_DAYS),
                ): REMOVAL_DAYS,
            }
        )
        return self.async_show_form(step_id="init", data_schema=schema)
