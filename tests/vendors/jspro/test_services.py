"""The JSPro button and actions: logs as response data, deletions only when confirmed."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError, Unauthorized
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockUser,
    async_fire_time_changed,
)

from custom_components.energy_portals.const import DOMAIN
from custom_components.energy_portals.vendors.jspro.services import device_time
from tests.helpers import known_state
from tests.simulator.jspro import JsproSimulator

BUTTON = "button.bakti_tower_delete_scc_alarm_log"


async def test_clear_alarm_log_button(
    hass: HomeAssistant, loaded_jspro: MockConfigEntry, jspro: JsproSimulator
) -> None:
    """The enabled button deletes the SCC alarm log and the overview follows."""
    er.async_get(hass).async_update_entity(BUTTON, disabled_by=None)
    await hass.config_entries.async_reload(loaded_jspro.entry_id)
    await hass.async_block_till_done()
    assert known_state(hass, "sensor.bakti_tower_scc_alarm_logs").state == "1"
    await hass.services.async_call("button", "press", {ATTR_ENTITY_ID: BUTTON}, blocking=True)
    await hass.async_block_till_done()
    assert len(jspro.state.calls("DELETE", "/loggers/scc-alarm")) == 1
    assert jspro.site.alarm_log == []
    assert known_state(hass, "sensor.bakti_tower_scc_alarm_logs").state == "0"

    jspro.error = (500, 500)
    with pytest.raises(HomeAssistantError, match="Device error 500"):
        await hass.services.async_call("button", "press", {ATTR_ENTITY_ID: BUTTON}, blocking=True)


async def test_get_logs(
    hass: HomeAssistant, loaded_jspro: MockConfigEntry, jspro: JsproSimulator
) -> None:
    """The get-logs action returns the device's records as response data."""
    response: Any = await hass.services.async_call(
        DOMAIN,
        "jspro_get_logs",
        {
            "config_entry_id": loaded_jspro.entry_id,
            "source": "redis",
            "start_date": "2025-07-21 10:01:00",
            "end_date": "2025-07-21 10:03:00",
            "limit": 2,
            "offset": 0,
        },
        blocking=True,
        return_response=True,
    )
    assert response is not None
    assert response["source"] == "redis"
    assert [r["timestamp"] for r in response["records"]] == [
        "2025-07-21 10:01:00",
        "2025-07-21 10:02:00",
    ]
    assert response["total_records"] == 3
    assert response["page_info"]["has_next"] is True
    (call,) = jspro.state.calls("GET", "/loggers/data/redis")
    assert call.query == {
        "start_date": "2025-07-21T10:01:00",
        "end_date": "2025-07-21T10:03:00",
        "limit": "2",
        "offset": "0",
    }

    sqlite: Any = await hass.services.async_call(
        DOMAIN,
        "jspro_get_logs",
        {"config_entry_id": loaded_jspro.entry_id, "source": "sqlite", "table": "energy_logs"},
        blocking=True,
        return_response=True,
    )
    assert sqlite is not None
    assert len(sqlite["records"]) == 3
    assert jspro.state.calls("GET", "/loggers/data/sqlite")[0].query == {"table": "energy_logs"}

    alarms: Any = await hass.services.async_call(
        DOMAIN,
        "jspro_get_logs",
        {"config_entry_id": loaded_jspro.entry_id, "source": "alarm_history"},
        blocking=True,
        return_response=True,
    )
    assert alarms is not None
    assert alarms["logs"][0]["alarm"] == "batt_overdisc"


async def test_get_logs_refusals(
    hass: HomeAssistant, loaded_jspro: MockConfigEntry, jspro: JsproSimulator
) -> None:
    """The get-logs action refuses an end before the start with a translated error."""
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "jspro_get_logs",
            {
                "config_entry_id": loaded_jspro.entry_id,
                "source": "redis",
                "start_date": "2025-07-22 00:00:00",
                "end_date": "2025-07-21 00:00:00",
            },
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "jspro_invalid_range"
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "jspro_get_logs",
            {"config_entry_id": "nope", "source": "redis"},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "jspro_not_a_site"
    jspro.error = (200, 400)
    with pytest.raises(HomeAssistantError, match="Device error 400"):
        await hass.services.async_call(
            DOMAIN,
            "jspro_get_logs",
            {"config_entry_id": loaded_jspro.entry_id, "source": "redis"},
            blocking=True,
            return_response=True,
        )


async def test_actions_need_a_loaded_entry(
    hass: HomeAssistant, jspro: JsproSimulator, jspro_entry: MockConfigEntry
) -> None:
    """The actions refuse an entry that is not loaded."""
    assert await hass.config_entries.async_setup(jspro_entry.entry_id)
    assert await hass.config_entries.async_unload(jspro_entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "jspro_get_logs",
            {"config_entry_id": jspro_entry.entry_id, "source": "redis"},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "entry_not_loaded"


@pytest.mark.parametrize(
    ("data", "key", "placeholders"),
    [
        ({"target": "redis_all"}, "jspro_confirm_redis_all", None),
        ({"target": "redis_all", "confirm": False}, "jspro_confirm_redis_all", None),
        (
            {"target": "redis_entry", "timestamp": "2025-07-21 10:01:00"},
            "jspro_confirm_redis_entry",
            {"timestamp": "2025-07-21 10:01:00"},
        ),
        (
            {"target": "sqlite_record", "record_id": 2},
            "jspro_confirm_sqlite_record",
            {"record_id": "2"},
        ),
        ({"target": "scc_alarm_log"}, "jspro_confirm_scc_alarm_log", None),
        ({"target": "redis_entry", "confirm": True}, "jspro_timestamp_required", None),
        ({"target": "sqlite_record", "confirm": True}, "jspro_record_id_required", None),
    ],
)
async def test_delete_refusals(
    hass: HomeAssistant,
    loaded_jspro: MockConfigEntry,
    jspro: JsproSimulator,
    *,
    data: dict[str, Any],
    key: str,
    placeholders: dict[str, str] | None,
) -> None:
    """Deleting refuses without confirmation or with bad input, and deletes nothing."""
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "jspro_delete_logger_data",
            {"config_entry_id": loaded_jspro.entry_id, **data},
            blocking=True,
        )
    assert err.value.translation_key == key
    for name, text in (placeholders or {}).items():
        assert (err.value.translation_placeholders or {}).get(name) == text
    assert jspro.state.calls("DELETE") == []
    assert len(jspro.site.redis) == 5


async def test_delete_when_confirmed(
    hass: HomeAssistant, loaded_jspro: MockConfigEntry, jspro: JsproSimulator
) -> None:
    """A confirmed delete removes the record and reports it."""
    entry_id = loaded_jspro.entry_id
    response: Any = await hass.services.async_call(
        DOMAIN,
        "jspro_delete_logger_data",
        {
            "config_entry_id": entry_id,
            "target": "redis_entry",
            "timestamp": "2025-07-21 10:01:00",
            "confirm": True,
        },
        blocking=True,
        return_response=True,
    )
    assert response is not None
    assert response["deleted"] == "redis_entry"
    assert response["bms_deleted"] == 1
    (call,) = jspro.state.calls("DELETE")
    assert call.path.endswith("/api/v1/loggers/data/redis/20250721T100100")
    await hass.async_block_till_done()
    assert known_state(hass, "sensor.bakti_tower_logger_records").state == "4"

    with pytest.raises(HomeAssistantError, match="Nothing deleted"):
        await hass.services.async_call(
            DOMAIN,
            "jspro_delete_logger_data",
            {
                "config_entry_id": entry_id,
                "target": "redis_entry",
                "timestamp": "2025-07-21 10:01:00",
                "confirm": True,
            },
            blocking=True,
        )

    await hass.services.async_call(
        DOMAIN,
        "jspro_delete_logger_data",
        {"config_entry_id": entry_id, "target": "sqlite_record", "record_id": 2, "confirm": True},
        blocking=True,
    )
    assert [r["id"] for r in jspro.site.sqlite] == [1, 3]
    result: Any = await hass.services.async_call(
        DOMAIN,
        "jspro_delete_logger_data",
        {"config_entry_id": entry_id, "target": "redis_all", "confirm": True},
        blocking=True,
        return_response=True,
    )
    assert result is not None
    assert result["total_deleted"] == 8
    assert jspro.site.redis == []
    await hass.services.async_call(
        DOMAIN,
        "jspro_delete_logger_data",
        {"config_entry_id": entry_id, "target": "scc_alarm_log", "confirm": True},
        blocking=True,
    )
    assert jspro.site.alarm_log == []
    # refreshes requested within the debouncer's cooldown run once it has passed
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert known_state(hass, "sensor.bakti_tower_logger_records").state == "0"
    assert known_state(hass, "sensor.bakti_tower_sqlite_records").state == "2"


async def test_device_time(hass: HomeAssistant) -> None:
    """Times are converted to the device's local time; naive times are kept."""
    await hass.config.async_set_time_zone("Asia/Jakarta")
    aware = datetime(2025, 7, 21, 3, 0, tzinfo=ZoneInfo("UTC"))
    assert device_time(aware) == datetime(2025, 7, 21, 10, 0)
    assert device_time(datetime(2025, 7, 21, 10, 0)) == datetime(2025, 7, 21, 10, 0)
    assert device_time(None) is None


async def test_delete_is_for_administrators_only(
    hass: HomeAssistant,
    loaded_jspro: MockConfigEntry,
    jspro: JsproSimulator,
    hass_read_only_user: MockUser,
) -> None:
    """A non-admin user cannot delete data on the controller, even with confirm."""
    with pytest.raises(Unauthorized):
        await hass.services.async_call(
            DOMAIN,
            "jspro_delete_logger_data",
            {"config_entry_id": loaded_jspro.entry_id, "target": "redis_all", "confirm": True},
            blocking=True,
            context=Context(user_id=hass_read_only_user.id),
        )
    assert jspro.state.calls("DELETE") == []
