"""The Emporia steps of the config flow (proxy login, Emporia link), and its options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol
from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigEntryState,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD, CONF_URL
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from yarl import URL

from ...flow_base import PortalFlowBase, error_key, secret_field, secret_value
from ...url_rules import require_local_url
from .api import EmporiaClient, EmporiaLinkError, User
from .const import (
    BALANCE_CHANNEL,
    CONF_EMPORIA_PASSWORD,
    CONF_EMPORIA_USERNAME,
    CONF_HISTORY_DAYS,
    CONF_REVERSED_CHANNELS,
    CONF_SOLAR_CHANNELS,
    CONF_STATE_INTERVAL,
    DEFAULT_HISTORY_DAYS,
    DEFAULT_STATE_INTERVAL,
    MAINS_CHANNEL,
    MAX_HISTORY_DAYS,
    MAX_STATE_INTERVAL,
    MIN_STATE_INTERVAL,
    VENDOR_KEY,
)
from .coordinator import EmporiaData
from .usage import option_value

_URL = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
_EMAIL = TextSelector(TextSelectorConfig(type=TextSelectorType.EMAIL, autocomplete="username"))
_PASSWORD = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="current-password")
)
LINK_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_EMPORIA_USERNAME): _EMAIL,
        vol.Required(CONF_EMPORIA_PASSWORD): _PASSWORD,
    }
)


def normalise_url(url: str) -> str:
    """The proxy URL as stored and used in the unique id: no trailing slash."""
    return url.strip().rstrip("/")


def entry_title(url: str) -> str:
    """`Emporia proxy <host[:port]>`: the proxy, never the account's e-mail."""
    parsed = URL(url)
    host = parsed.host or url
    return (
        f"Emporia proxy {host}:{parsed.port}" if parsed.explicit_port else f"Emporia proxy {host}"
    )


def old_entry_titles(data: Mapping[str, Any]) -> list[str]:
    """The titles older releases made up: the proxy account's e-mail."""
    return [f"Emporia ({data[CONF_EMAIL]})"]


def account_id(url: str, user: User) -> str:
    """Proxy URL + user id: the same user id on two proxies is two accounts."""
    return f"{url.lower()}_{user.user_id}"


def proxy_schema(defaults: dict[str, Any], *, keep_stored: bool = False) -> vol.Schema:
    """URL, e-mail and password of the proxy account (the password is never prefilled)."""
    return vol.Schema(
        {
            vol.Required(CONF_URL, default=defaults.get(CONF_URL, vol.UNDEFINED)): _URL,
            vol.Required(CONF_EMAIL, default=defaults.get(CONF_EMAIL, vol.UNDEFINED)): _EMAIL,
            secret_field(CONF_PASSWORD, keep_stored=keep_stored): _PASSWORD,
        }
    )


class EmporiaFlow(PortalFlowBase):
    """Proxy login, then (when the proxy account is not linked yet) the Emporia login."""

    _emporia_data: dict[str, Any]
    _emporia_client: EmporiaClient
    _emporia_user: User

    async def async_step_emporia(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the proxy and its account."""
        return await self._async_emporia_login("emporia", user_input, {})

    async def async_step_emporia_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Another proxy address or new credentials for the same account."""
        data = dict(self._get_reconfigure_entry().data)
        return await self._async_emporia_login("emporia_reconfigure", user_input, data)

    async def async_step_emporia_reauth(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The proxy refused the stored password: ask for it again."""
        entry_data = self._get_reauth_entry().data
        if user_input is not None:
            user_input = {CONF_URL: entry_data[CONF_URL], **user_input}
        return await self._async_emporia_login(
            "emporia_reauth",
            user_input,
            dict(entry_data),
            schema=vol.Schema(
                {
                    vol.Required(CONF_EMAIL, default=entry_data[CONF_EMAIL]): _EMAIL,
                    vol.Required(CONF_PASSWORD): _PASSWORD,
                }
            ),
        )

    async def async_step_emporia_link(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Link the proxy account to Emporia; these credentials go to the proxy, not the entry."""
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                await self._emporia_client.async_link_emporia(
                    user_input[CONF_EMPORIA_USERNAME], user_input[CONF_EMPORIA_PASSWORD]
                )
            except EmporiaLinkError:
                errors["base"] = "emporia_auth_failed"
            except Exception as err:  # noqa: BLE001 - shown as a form error, logged by error_key
                errors["base"] = error_key(err)
            else:
                return await self._async_emporia_finish()
        return self.async_show_form(step_id="emporia_link", data_schema=LINK_SCHEMA, errors=errors)

    async def _async_emporia_login(
        self,
        step_id: str,
        user_input: dict[str, Any] | None,
        defaults: dict[str, Any],
        schema: vol.Schema | None = None,
    ) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        reconfiguring = step_id == "emporia_reconfigure"
        stored = self._get_reconfigure_entry().data if reconfiguring else None
        if user_input is not None:
            data = {
                CONF_URL: normalise_url(user_input[CONF_URL]),
                CONF_EMAIL: user_input[CONF_EMAIL].strip(),
                CONF_PASSWORD: secret_value(user_input, CONF_PASSWORD, stored),
            }
            client = EmporiaClient(
                async_get_clientsession(self.hass),
                url=data[CONF_URL],
                email=data[CONF_EMAIL],
                password=data[CONF_PASSWORD],
            )
            try:
                require_local_url(data[CONF_URL])
                await client.async_login()
                user = await client.async_get_me()
            except Exception as err:  # noqa: BLE001 - shown as a form error, logged by error_key
                errors["base"] = error_key(err)
            else:
                self._emporia_data, self._emporia_client, self._emporia_user = data, client, user
                if user.emporia_username is None:
                    return await self.async_step_emporia_link()
                return await self._async_emporia_finish()
            defaults = {**defaults, **data}
        return self.async_show_form(
            step_id=step_id,
            data_schema=schema or proxy_schema(defaults, keep_stored=reconfiguring),
            errors=errors,
        )

    async def _async_emporia_finish(self) -> ConfigFlowResult:
        data, user = self._emporia_data, self._emporia_user
        moving = False
        if self.source == SOURCE_RECONFIGURE:
            # A new proxy address is fine; another proxy user is another account.
            current = str(self._get_reconfigure_entry().unique_id)
            if not current.endswith(f"_{user.user_id}"):
                return self.async_abort(reason="wrong_account")
            moving = True
        return await self.async_finish(
            VENDOR_KEY,
            account_id(data[CONF_URL], user),
            entry_title(data[CONF_URL]),
            data,
            allow_other_account=moving,
        )


class EmporiaOptionsFlow(OptionsFlowWithReload):
    """How often the live states are written; which channels are solar or reversed."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show and save the options."""
        if user_input is not None:
            return self.async_create_entry(
                data={
                    CONF_STATE_INTERVAL: int(user_input[CONF_STATE_INTERVAL]),
                    CONF_HISTORY_DAYS: int(user_input[CONF_HISTORY_DAYS]),
                    CONF_SOLAR_CHANNELS: list(user_input.get(CONF_SOLAR_CHANNELS, [])),
                    CONF_REVERSED_CHANNELS: list(user_input.get(CONF_REVERSED_CHANNELS, [])),
                }
            )
        options = self.config_entry.options
        current = options.get(CONF_STATE_INTERVAL, DEFAULT_STATE_INTERVAL)
        channels = self._channel_options()
        schema = vol.Schema(
            {
                vol.Required(CONF_STATE_INTERVAL, default=current): NumberSelector(
                    NumberSelectorConfig(
                        min=MIN_STATE_INTERVAL,
                        max=MAX_STATE_INTERVAL,
                        step=1,
                        mode=NumberSelectorMode.BOX,
                        unit_of_measurement="s",
                    )
                ),
                vol.Required(
                    CONF_HISTORY_DAYS,
                    default=options.get(CONF_HISTORY_DAYS, DEFAULT_HISTORY_DAYS),
                ): NumberSelector(
                    NumberSelectorConfig(
                        min=0, max=MAX_HISTORY_DAYS, step=1, mode=NumberSelectorMode.BOX
                    )
                ),
                vol.Optional(
                    CONF_SOLAR_CHANNELS, default=self._solar_default()
                ): _channels_selector(channels),
                vol.Optional(
                    CONF_REVERSED_CHANNELS, default=list(options.get(CONF_REVERSED_CHANNELS, []))
                ): _channels_selector(channels),
            }
        )
        return self.async_show_form(step_id="init", data_schema=schema)

    def _solar_default(self) -> list[str]:
        """The owner's solar circuits; until chosen, those whose channel type runs both ways."""
        entry = self.config_entry
        if CONF_SOLAR_CHANNELS in entry.options:
            return list(entry.options[CONF_SOLAR_CHANNELS])
        if entry.state is not ConfigEntryState.LOADED:
            return []
        data: EmporiaData = entry.runtime_data
        return [option_value(key) for key in data.all_channels() if data.bidirectional(key)]

    def _channel_options(self) -> list[SelectOptionDict]:
        """The entry's circuits by name (from the running entry), and any already chosen."""
        entry = self.config_entry
        choices: dict[str, str] = {}
        if entry.state is ConfigEntryState.LOADED:
            data: EmporiaData = entry.runtime_data
            for key in data.all_channels():
                if key[1] in (MAINS_CHANNEL, BALANCE_CHANNEL) or not data.is_monitor(key[0]):
                    continue  # circuits only: not the mains, the balance or a plug
                device = data.device(key[0])
                label = data.channel_name(key) or f"Channel {key[1]}"
                if device is not None and device.name:
                    label = f"{device.name}: {label}"
                choices[option_value(key)] = label
        for option in (CONF_SOLAR_CHANNELS, CONF_REVERSED_CHANNELS):
            for value in entry.options.get(option, []):
                choices.setdefault(value, value)
        return [SelectOptionDict(value=value, label=label) for value, label in choices.items()]


def _channels_selector(options: list[SelectOptionDict]) -> SelectSelector:
    return SelectSelector(
        SelectSelectorConfig(options=options, multiple=True, mode=SelectSelectorMode.LIST)
    )
