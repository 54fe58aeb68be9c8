"""The JSPro actions: read the device's logs; delete logger data only when confirmed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import voluptuous as vol
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.service import async_register_admin_service
from homeassistant.util import dt as dt_util

from ...commands import run_command
from ...const import CONF_VENDOR, DOMAIN
from .const import VENDOR_KEY
from .coordinator import JsproData

SERVICE_GET_LOGS = "jspro_get_logs"
SERVICE_DELETE_LOGGER_DATA = "jspro_delete_logger_data"
ATTR_SOURCE = "source"
ATTR_START = "start_date"
ATTR_END = "end_date"
ATTR_LIMIT = "limit"
ATTR_OFFSET = "offset"
ATTR_TABLE = "table"
ATTR_TARGET = "target"
ATTR_TIMESTAMP = "timestamp"
ATTR_RECORD_ID = "record_id"
ATTR_CONFIRM = "confirm"

LOG_SOURCES = ("redis", "sqlite", "alarm_history")
DELETE_TARGETS = ("redis_all", "redis_entry", "sqlite_record", "scc_alarm_log")

GET_LOGS_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_SOURCE): vol.In(LOG_SOURCES),
        vol.Optional(ATTR_START): cv.datetime,
        vol.Optional(ATTR_END): cv.datetime,
        vol.Optional(ATTR_LIMIT): vol.All(vol.Coerce(int), vol.Range(min=1, max=1000)),
        vol.Optional(ATTR_OFFSET): vol.All(vol.Coerce(int), vol.Range(min=0)),
        vol.Optional(ATTR_TABLE): cv.string,
    }
)
DELETE_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_TARGET): vol.In(DELETE_TARGETS),
        vol.Optional(ATTR_TIMESTAMP): cv.datetime,
        vol.Optional(ATTR_RECORD_ID): vol.All(vol.Coerce(int), vol.Range(min=0)),
        vol.Optional(ATTR_CONFIRM, default=False): cv.boolean,
    }
)


def _runtime_of(hass: HomeAssistant, entry_id: str) -> JsproData:
    entry = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN or entry.data.get(CONF_VENDOR) != VENDOR_KEY:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="jspro_not_a_site",
            translation_placeholders={"entry_id": entry_id},
        )
    if entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="entry_not_loaded")
    data: JsproData = entry.runtime_data
    return data


def device_time(value: datetime | None) -> datetime | None:
    """A time as the device reads it: naive, in Home Assistant's (and the site's) time zone."""
    if value is None or value.tzinfo is None:
        return value
    return dt_util.as_local(value).replace(tzinfo=None)


def _refuse(key: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=f"jspro_{key}",
        translation_placeholders=placeholders or None,
    )


async def _get_logs(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    runtime = _runtime_of(hass, call.data[ATTR_CONFIG_ENTRY_ID])
    start = device_time(call.data.get(ATTR_START))
    end = device_time(call.data.get(ATTR_END))
    if start is not None and end is not None and start > end:
        raise _refuse("invalid_range")
    source = call.data[ATTR_SOURCE]
    data: dict[str, Any] = await run_command(
        runtime.client.async_get_logs(
            source,
            start=start,
            end=end,
            limit=call.data.get(ATTR_LIMIT),
            offset=call.data.get(ATTR_OFFSET),
            table=call.data.get(ATTR_TABLE),
        )
    )
    return {"source": source, **data}


async def _delete_logger_data(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    runtime = _runtime_of(hass, call.data[ATTR_CONFIG_ENTRY_ID])
    target = call.data[ATTR_TARGET]
    timestamp = device_time(call.data.get(ATTR_TIMESTAMP))
    record_id = call.data.get(ATTR_RECORD_ID)
    if target == "redis_entry" and timestamp is None:
        raise _refuse("timestamp_required")
    if target == "sqlite_record" and record_id is None:
        raise _refuse("record_id_required")
    if call.data[ATTR_CONFIRM] is not True:
        raise _refuse(
            f"confirm_{target}",
            timestamp=str(timestamp),
            record_id=str(record_id),
        )
    client = runtime.client
    if target == "redis_all":
        result = await run_command(client.async_delete_redis())
    elif target == "redis_entry":
        result = await run_command(client.async_delete_redis(timestamp))
    elif target == "sqlite_record":
        assert record_id is not None
        result = await run_command(client.async_delete_sqlite(record_id))
    else:
        result = await run_command(client.async_clear_alarm_log())
    await runtime.system.async_request_refresh()
    return {"deleted": target, **result}


@callback
def register_services(hass: HomeAssistant) -> None:
    """Register jspro_get_logs and jspro_delete_logger_data."""

    async def get_logs(call: ServiceCall) -> ServiceResponse:
        return await _get_logs(hass, call)

    async def delete_logger_data(call: ServiceCall) -> ServiceResponse:
        return await _delete_logger_data(hass, call)

    hass.services.async_register(
        DOMAIN, SERVICE_GET_LOGS, get_logs, GET_LOGS_SCHEMA, supports_response=SupportsResponse.ONLY
    )
    # It destroys data on the controller: only administrators may call it.
    async_register_admin_service(
        hass,
        DOMAIN,
        SERVICE_DELETE_LOGGER_DATA,
        delete_logger_data,
        DELETE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
