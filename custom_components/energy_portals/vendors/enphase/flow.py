"""The Enphase steps of the config flow, and its options."""

from __future__ import annotations

from typing import Any

import voluptuous as vol
from homeassistant.config_entries import ConfigFlowResult, OptionsFlow
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from ...const import CONF_BASE_URL
from ...devices import CONF_DEVICE_REMOVAL_DAYS, DEFAULT_DEVICE_REMOVAL_DAYS, REMOVAL_DAYS
from ...errors import PortalError
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
from .api import DEFAULT_BASE_URL, EnphaseClient, Site
from .const import (
    CONF_CHARGING_CURRENT,
    CONF_COOKIE,
    CONF_E_AUTH_TOKEN,
    CONF_IDLE_INTERVAL,
    CONF_SITE_ID,
    CONF_STATUS_INTERVAL,
    DEFAULT_CHARGING_CURRENT,
    DEFAULT_IDLE_INTERVAL,
    DEFAULT_STATUS_INTERVAL,
    MAX_CHARGING_CURRENT,
    MIN_CHARGING_CURRENT,
    MIN_STATUS_INTERVAL,
    VENDOR_KEY,
)

_SECRET = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))


def tokens_schema(*, keep_stored: bool = False) -> dict[vol.Marker, Any]:
    """The pasted token and cookie (optional when reconfiguring: empty keeps the stored)."""
    return {
        secret_field(CONF_E_AUTH_TOKEN, keep_stored=keep_stored): _SECRET,
        secret_field(CONF_COOKIE, keep_stored=keep_stored): _SECRET,
    }


def site_title(site: Site) -> str:
    """The entry title of a site: its name in Enlighten, never its id."""
    return site.name or "Enphase site"


class EnphaseFlow(PortalFlowBase):
    """Tokens, then the site (asked only when the account has several)."""

    _enphase_data: dict[str, Any]
    _enphase_sites: list[Site]

    async def async_step_enphase(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the tokens of a logged-in Enlighten session."""
        return await self._async_enphase_tokens("enphase", user_input, DEFAULT_BASE_URL)

    async def async_step_enphase_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """New tokens, another base URL or another site."""
        base_url = self._get_reconfigure_entry().data[CONF_BASE_URL]
        return await self._async_enphase_tokens("enphase_reconfigure", user_input, base_url)

    async def async_step_enphase_reauth(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Fresh tokens for the same site."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry.data, **user_input}
            try:
                require_cloud_url(data[CONF_BASE_URL])
                sites = await self._async_enphase_sites(data)
            except PortalError as err:
                errors["base"] = error_key(err)
            else:
                site = next((s for s in sites if s.site_id == data[CONF_SITE_ID]), None)
                if site is None:
                    return self.async_abort(reason="wrong_account")
                return await self._async_enphase_finish(data, site)
        return self.async_show_form(
            step_id="enphase_reauth", data_schema=vol.Schema(tokens_schema()), errors=errors
        )

    async def async_step_enphase_site(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick one of the account's sites."""
        if user_input is not None:
            site = next(s for s in self._enphase_sites if s.site_id == user_input[CONF_SITE_ID])
            return await self._async_enphase_finish(self._enphase_data, site)
        options = [
            SelectOptionDict(value=site.site_id, label=site_title(site))
            for site in self._enphase_sites
        ]
        return self.async_show_form(
            step_id="enphase_site",
            data_schema=vol.Schema(
                {vol.Required(CONF_SITE_ID): SelectSelector(SelectSelectorConfig(options=options))}
            ),
        )

    async def _async_enphase_tokens(
        self, step_id: str, user_input: dict[str, Any] | None, base_url: str
    ) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        reconfiguring = step_id == "enphase_reconfigure"
        stored = self._get_reconfigure_entry().data if reconfiguring else None
        if user_input is not None:
            data = {
                CONF_E_AUTH_TOKEN: secret_value(user_input, CONF_E_AUTH_TOKEN, stored),
                CONF_COOKIE: secret_value(user_input, CONF_COOKIE, stored),
                CONF_BASE_URL: base_url_of(user_input, base_url),
            }
            try:
                require_cloud_url(data[CONF_BASE_URL])
                sites = await self._async_enphase_sites(data)
            except PortalError as err:
                errors["base"] = error_key(err)
            except Exception as err:  # noqa: BLE001 - shown as "unknown", logged by error_key
                errors["base"] = error_key(err)
            else:
                if not sites:
                    errors["base"] = "no_sites"
                elif len(sites) == 1:
                    return await self._async_enphase_finish(data, sites[0])
                else:
                    self._enphase_data, self._enphase_sites = data, sites
                    return await self.async_step_enphase_site()
        fields: dict[Any, Any] = {
            **tokens_schema(keep_stored=reconfiguring),
            **advanced_section(base_url),
        }
        schema = vol.Schema(fields)
        return self.async_show_form(step_id=step_id, data_schema=schema, errors=errors)

    async def _async_enphase_sites(self, data: dict[str, Any]) -> list[Site]:
        """The sites the tokens see, read with a throw-away cookie jar."""
        async with temporary_session(self.hass) as session:
            client = EnphaseClient(
                session,
                e_auth_token=data[CONF_E_AUTH_TOKEN],
                cookie=data[CONF_COOKIE],
                base_url=data[CONF_BASE_URL],
            )
            return await client.async_get_sites()

    async def _async_enphase_finish(self, data: dict[str, Any], site: Site) -> ConfigFlowResult:
        data = {key: value for key, value in data.items() if key != "vendor"}
        return await self.async_finish(
            VENDOR_KEY,
            site.site_id,
            site_title(site),
            {**data, CONF_SITE_ID: site.site_id},
            allow_other_account=True,
        )


class EnphaseOptionsFlow(OptionsFlow):
    """Polling intervals and the default charging current."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show and save the options."""
        if user_input is not None:
            return self.async_create_entry(data=user_input)
        options = self.config_entry.options
        schema = vol.Schema(
            {
                vol.Required(
                    CONF_STATUS_INTERVAL,
                    default=options.get(CONF_STATUS_INTERVAL, DEFAULT_STATUS_INTERVAL),
                ): vol.All(vol.Coerce(int), vol.Range(min=MIN_STATUS_INTERVAL, max=3600)),
                vol.Required(
                    CONF_IDLE_INTERVAL,
                    default=options.get(CONF_IDLE_INTERVAL, DEFAULT_IDLE_INTERVAL),
                ): vol.All(vol.Coerce(int), vol.Range(min=MIN_STATUS_INTERVAL, max=3600)),
                vol.Required(
                    CONF_CHARGING_CURRENT,
                    default=options.get(CONF_CHARGING_CURRENT, DEFAULT_CHARGING_CURRENT),
                ): vol.All(
                    vol.Coerce(int),
                    vol.Range(min=MIN_CHARGING_CURRENT, max=MAX_CHARGING_CURRENT),
                ),
                vol.Required(
                    CONF_DEVICE_REMOVAL_DAYS,
                    default=options.get(CONF_DEVICE_REMOVAL_DAYS, DEFAULT_DEVICE_REMOVAL_DAYS),
                ): REMOVAL_DAYS,
            }
        )
        return self.async_show_form(step_id="init", data_schema=schema)
