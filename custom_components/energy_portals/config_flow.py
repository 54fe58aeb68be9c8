"""The config flow: a menu of vendors, then the chosen vendor's own steps."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigFlowResult, OptionsFlow
from homeassistant.core import callback

from .const import CONF_VENDOR, DOMAIN
from .vendors import VENDORS
from .vendors.allume.flow import AllumeFlow
from .vendors.emporia.flow import EmporiaFlow
from .vendors.enphase.flow import EnphaseFlow
from .vendors.flowerhub.flow import FlowerHubFlow
from .vendors.jspro.flow import JsproFlow


class EnergyPortalsConfigFlow(
    AllumeFlow, FlowerHubFlow, EnphaseFlow, EmporiaFlow, JsproFlow, domain=DOMAIN
):
    """Add an account or device of one vendor."""

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Pick the vendor."""
        return self.async_show_menu(step_id="user", menu_options=list(VENDORS))

    @classmethod
    @callback
    def async_supports_options_flow(cls, config_entry: ConfigEntry) -> bool:
        """Only vendors with options offer them."""
        return VENDORS[config_entry.data[CONF_VENDOR]].options_flow is not None

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        """The entry's vendor's options."""
        options_flow = VENDORS[config_entry.data[CONF_VENDOR]].options_flow
        assert options_flow is not None  # async_supports_options_flow said so
        return options_flow()
