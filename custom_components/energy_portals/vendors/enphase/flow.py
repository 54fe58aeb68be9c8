"""The Enphase steps of the config flow, and its options."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import aiohttp
import voluptuous as vol
from homeassistant.config_entries import SOURCE_REAUTH, ConfigFlowResult, OptionsFlowWithReload
from homeassistant.core import callback
from homeassistant.data_entry_flow import AbortFlow, section
from homeassistant.helpers.selector import (
    BooleanSelector,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from ...const import CONF_ADVANCED, CONF_BASE_URL
from ...devices import CONF_DEVICE_REMOVAL_DAYS, DEFAULT_DEVICE_REMOVAL_DAYS, REMOVAL_DAYS
from ...errors import PortalError
from ...flow_base import PortalFlowBase, base_url_of, error_key, secret_field, secret_value
from ...session import create_session
from ...url_rules import require_cloud_url
from .api import DEFAULT_BASE_URL, EnphaseClient
from .auth import EnphaseAuth, auth_of
from .const import (
    CONF_CHARGING_CURRENT,
    CONF_CODE,
    CONF_COOKIE,
    CONF_E_AUTH_TOKEN,
    CONF_EMAIL,
    CONF_IDLE_INTERVAL,
    CONF_MFA,
    CONF_PASSWORD,
    CONF_RESEND,
    CONF_SESSION,
    CONF_SILENCE_OPTIONAL_REPAIRS,
    CONF_SITE_ID,
    CONF_STATUS_INTERVAL,
    DEFAULT_CHARGING_CURRENT,
    DEFAULT_IDLE_INTERVAL,
    DEFAULT_STATUS_INTERVAL,
    MAX_CHARGING_CURRENT,
    MFA_RESEND_WAIT,
    MIN_CHARGING_CURRENT,
    MIN_STATUS_INTERVAL,
    VENDOR_KEY,
)
from .credentials import EnphaseInvalidCodeError, EnphaseSignInError
from .models import Site

_SECRET = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
_EMAIL = TextSelector(TextSelectorConfig(type=TextSelectorType.EMAIL, autocomplete="username"))


def tokens_schema(*, keep_stored: bool = False) -> dict[vol.Marker, Any]:
    """The pasted token and cookie (optional when reconfiguring: empty keeps the stored)."""
    return {
        secret_field(CONF_E_AUTH_TOKEN, keep_stored=keep_stored): _SECRET,
        secret_field(CONF_COOKIE, keep_stored=keep_stored): _SECRET,
    }


def sign_in_schema(base_url: str) -> vol.Schema:
    """E-mail and password; the base URL and pasted tokens in the collapsed Advanced section.

    Both credentials are optional here: pasted tokens need neither, and when reconfiguring
    an empty field keeps the stored one (no stored secret is ever put into a form).
    """
    advanced = vol.Schema(
        {
            vol.Required(CONF_BASE_URL, default=base_url): str,
            vol.Optional(CONF_E_AUTH_TOKEN): _SECRET,
            vol.Optional(CONF_COOKIE): _SECRET,
        }
    )
    return vol.Schema(
        {
            vol.Optional(CONF_EMAIL): _EMAIL,
            vol.Optional(CONF_PASSWORD): _SECRET,
            vol.Required(CONF_ADVANCED): section(advanced, {"collapsed": True}),
        }
    )


def site_title(site: Site) -> str:
    """The entry title of a site: its name in Enlighten, never its id."""
    return site.name or "Enphase site"


def enphase_error_key(err: Exception) -> str:
    """The form error of a failed sign-in (the Enlighten-specific ones first)."""
    if isinstance(err, EnphaseSignInError):
        return f"enphase_{err.reason}"
    if isinstance(err, EnphaseInvalidCodeError):
        return "enphase_invalid_code"
    if isinstance(err, EnphaseNoSitesError):
        return "no_sites"
    return error_key(err)


class EnphaseFlow(PortalFlowBase):
    """E-mail and password (then a code, when the account has MFA) or pasted tokens; then
    the site (asked only when the account has several)."""

    _enphase_data: dict[str, Any]
    _enphase_sites: list[Site]
    _enphase_auth: EnphaseAuth | None = None
    _enphase_session: aiohttp.ClientSession | None = None
    _enphase_code_sent_at: float | None = None

    async def async_step_enphase(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the Enlighten e-mail and password (or, under Advanced, pasted tokens)."""
        return await self._async_enphase_sign_in("enphase", user_input, DEFAULT_BASE_URL, None)

    async def async_step_enphase_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Other credentials, another base URL or another site (empty keeps the stored)."""
        stored = self._get_reconfigure_entry().data
        return await self._async_enphase_sign_in(
            "enphase_reconfigure", user_input, stored[CONF_BASE_URL], stored
        )

    async def async_step_enphase_reauth(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask only for what is needed: the password, or fresh pasted tokens.

        An MFA account's stored password is probably fine: its field may stay empty, and the
        code is sent only once the owner submits (not when the reauth flow starts unseen).
        """
        entry = self._get_reauth_entry()
        if CONF_EMAIL not in entry.data:
            return await self._async_enphase_reauth_tokens(user_input)
        mfa = bool(entry.data.get(CONF_MFA))
        errors: dict[str, str] = {}
        if user_input is not None:
            password = secret_value(user_input, CONF_PASSWORD, entry.data if mfa else None)
            data = {**entry.data, CONF_PASSWORD: password}
            try:
                return await self._async_enphase_password(data)
            except AbortFlow:
                raise
            except Exception as err:  # noqa: BLE001 - shown as "unknown", logged by error_key
                errors["base"] = enphase_error_key(err)
        field = vol.Optional(CONF_PASSWORD) if mfa else vol.Required(CONF_PASSWORD)
        return self.async_show_form(
            step_id="enphase_reauth",
            data_schema=vol.Schema({field: _SECRET}),
            errors=errors,
        )

    async def async_step_enphase_mfa(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the code Enlighten sent to the owner's phone; a new one on request."""
        auth = self._enphase_auth
        assert auth is not None
        errors: dict[str, str] = {}
        try:
            if self._enphase_code_sent_at is None:
                await self._async_enphase_send_code(auth)
            elif user_input is not None and user_input.get(CONF_RESEND):
                if time.monotonic() - self._enphase_code_sent_at < MFA_RESEND_WAIT:
                    errors["base"] = "enphase_resend_wait"
                else:
                    await self._async_enphase_send_code(auth)
            elif user_input is not None:
                await auth.async_validate_code(str(user_input.get(CONF_CODE) or ""))
                self._enphase_data[CONF_MFA] = True
                return await self._async_enphase_pick_site(auth, self._enphase_data)
        except AbortFlow:
            raise
        except Exception as err:  # noqa: BLE001 - shown as "unknown", logged by error_key
            errors["base"] = enphase_error_key(err)
        return self.async_show_form(
            step_id="enphase_mfa",
            data_schema=vol.Schema(
                {
                    vol.Optional(CONF_CODE): str,
                    vol.Optional(CONF_RESEND, default=False): BooleanSelector(),
                }
            ),
            errors=errors,
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

    @callback
    def async_remove(self) -> None:
        """Let go of the flow's session once the flow has ended."""
        if self._enphase_session is not None:
            self._enphase_session.detach()
            self._enphase_session = None

    async def _async_enphase_sign_in(
        self,
        step_id: str,
        user_input: dict[str, Any] | None,
        base_url: str,
        stored: Mapping[str, Any] | None,
    ) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            advanced = user_input.get(CONF_ADVANCED) or {}
            base = base_url_of(user_input, base_url)
            pasted = {
                key: str(advanced.get(key) or "").strip()
                for key in (CONF_E_AUTH_TOKEN, CONF_COOKIE)
            }
            email = str(user_input.get(CONF_EMAIL) or "").strip() or (stored or {}).get(CONF_EMAIL)
            password = secret_value(user_input, CONF_PASSWORD, stored if email else None)
            try:
                require_cloud_url(base)
                if all(pasted.values()):
                    data = {**pasted, CONF_BASE_URL: base}
                    return await self._async_enphase_pasted(data)
                if email and password:
                    data = {CONF_EMAIL: email, CONF_PASSWORD: password, CONF_BASE_URL: base}
                    return await self._async_enphase_password(data)
                if stored is not None and CONF_E_AUTH_TOKEN in stored:
                    # The stored tokens, with the session renewed since they were pasted.
                    keep = (*pasted, CONF_SESSION)
                    data = {**{k: stored[k] for k in keep if k in stored}, CONF_BASE_URL: base}
                    return await self._async_enphase_pasted(data)
                errors["base"] = "enphase_credentials_missing"
            except AbortFlow:
                raise
            except Exception as err:  # noqa: BLE001 - shown as "unknown", logged by error_key
                errors["base"] = enphase_error_key(err)
        return self.async_show_form(
            step_id=step_id, data_schema=sign_in_schema(base_url), errors=errors
        )

    async def _async_enphase_reauth_tokens(
        self, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry.data, **user_input}
            data.pop(CONF_SESSION, None)  # the new tokens replace the kept session
            try:
                require_cloud_url(data[CONF_BASE_URL])
                return await self._async_enphase_pasted(data)
            except PortalError as err:
                errors["base"] = error_key(err)
        return self.async_show_form(
            step_id="enphase_reauth", data_schema=vol.Schema(tokens_schema()), errors=errors
        )

    def _enphase_new_auth(self, data: Mapping[str, Any]) -> EnphaseAuth:
        """A sign-in of its own for this flow (its cookies are this flow's alone)."""
        if self._enphase_session is None:
            self._enphase_session = create_session(
                self.hass, auto_cleanup=False, client_keeps_cookies=True
            )
        return auth_of(self._enphase_session, data)

    async def _async_enphase_pasted(self, data: dict[str, Any]) -> ConfigFlowResult:
        return await self._async_enphase_pick_site(self._enphase_new_auth(data), data)

    async def _async_enphase_password(self, data: dict[str, Any]) -> ConfigFlowResult:
        """Sign in; on to the code when the account has MFA, else on to the site."""
        data = {key: value for key, value in data.items() if key != CONF_SESSION}
        auth = self._enphase_new_auth(data)
        self._enphase_data = data
        if not await auth.async_sign_in():
            self._enphase_auth = auth
            self._enphase_code_sent_at = None
            return await self.async_step_enphase_mfa()
        data[CONF_MFA] = False
        return await self._async_enphase_pick_site(auth, data)

    async def _async_enphase_send_code(self, auth: EnphaseAuth) -> None:
        self._enphase_code_sent_at = time.monotonic()
        await auth.async_send_code()

    async def _async_enphase_pick_site(
        self, auth: EnphaseAuth, data: dict[str, Any]
    ) -> ConfigFlowResult:
        """Find the sites; finish with the only one, or ask which."""
        sites = await EnphaseClient(auth).async_get_sites()
        data = {**data, CONF_SESSION: auth.stored().as_dict()}
        if self.source == SOURCE_REAUTH:
            site_id = self._get_reauth_entry().data[CONF_SITE_ID]
            site = next((s for s in sites if s.site_id == site_id), None)
            if site is None:
                return self.async_abort(reason="wrong_account")
            return await self._async_enphase_finish(data, site)
        if not sites:
            raise EnphaseNoSitesError
        if len(sites) == 1:
            return await self._async_enphase_finish(data, sites[0])
        self._enphase_data, self._enphase_sites = data, sites
        return await self.async_step_enphase_site()

    async def _async_enphase_finish(self, data: dict[str, Any], site: Site) -> ConfigFlowResult:
        keep = (
            (CONF_EMAIL, CONF_PASSWORD, CONF_MFA, CONF_SESSION)
            if CONF_EMAIL in data
            else (CONF_E_AUTH_TOKEN, CONF_COOKIE, CONF_SESSION)
        )
        data = {key: data[key] for key in (*keep, CONF_BASE_URL) if key in data}
        return await self.async_finish(
            VENDOR_KEY,
            site.site_id,
            site_title(site),
            {**data, CONF_SITE_ID: site.site_id},
            allow_other_account=True,
        )


class EnphaseNoSitesError(PortalError):
    """The account sees no site."""


class EnphaseOptionsFlow(OptionsFlowWithReload):
    """Polling intervals, the default charging current, the removal delay, and whether
    repairs about optional services are raised."""

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
                vol.Required(
                    CONF_SILENCE_OPTIONAL_REPAIRS,
                    default=options.get(CONF_SILENCE_OPTIONAL_REPAIRS, False),
                ): bool,
            }
        )
        return self.async_show_form(step_id="init", data_schema=schema)
