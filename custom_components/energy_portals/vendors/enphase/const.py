"""Enphase settings: config keys, options and their defaults."""

from datetime import timedelta
from typing import Final

VENDOR_KEY: Final = "enphase"

CONF_EMAIL: Final = "email"
CONF_PASSWORD: Final = "password"
CONF_MFA: Final = "mfa"
CONF_SESSION: Final = "session"
CONF_CODE: Final = "code"
CONF_RESEND: Final = "resend"
CONF_E_AUTH_TOKEN: Final = "e_auth_token"
CONF_COOKIE: Final = "cookie"
CONF_SITE_ID: Final = "site_id"
CONF_SUMMARY_SEEN: Final = "summary_seen"
"""The site's charger summary has answered once (a 404 later is an outage, not its absence)."""
CONF_SESSION_UNITS: Final = "session_units"
"""Per charger serial, the unit its session energy was found to be in (Wh or kWh)."""

CONF_STATUS_INTERVAL: Final = "status_interval"
CONF_IDLE_INTERVAL: Final = "idle_interval"
CONF_CHARGING_CURRENT: Final = "charging_current"
CONF_SILENCE_OPTIONAL_REPAIRS: Final = "silence_optional_repairs"
"""No repair about an optional service (history, schedules, firmware) failing."""

DEFAULT_STATUS_INTERVAL: Final = 15
MIN_STATUS_INTERVAL: Final = 10
DEFAULT_IDLE_INTERVAL: Final = 60
DEFAULT_CHARGING_CURRENT: Final = 32
MIN_CHARGING_CURRENT: Final = 6
MAX_CHARGING_CURRENT: Final = 40
MAX_ASKED_CURRENT: Final = 80
"""The most an action may ask for; it is snapped to the charger's own levels (its summary's
maximum may be above 40 A)."""

METER_VALUES: Final = "MeterValues"
OCPP_MESSAGES: Final = (
    "BootNotification",
    "DiagnosticsStatusNotification",
    "FirmwareStatusNotification",
    "Heartbeat",
    METER_VALUES,
    "StatusNotification",
)
"""The OCPP messages a charger can be asked to send (trigger_message)."""

# The scheduler's settings (charge mode, green battery, default level, schedules) are read
# this often, and at once after we write one or when the status implies a change (its `mode`,
# a car plugged in or out).
SETTINGS_INTERVAL: Final = timedelta(hours=1)
SETTINGS_RETRY: Final = timedelta(minutes=10)
"""A read that failed is asked again this much later, not at the next hour."""
SCHEDULE_GONE_AFTER: Final = timedelta(minutes=10)
"""A schedule missing from the answers this long (two reads at least) loses its entities."""
SETTINGS_FRESH: Final = timedelta(minutes=5)
"""A start, stop or new current reads the charge mode first when it is older than this."""
# The site's currency (for the session cost) is read again this often.
CURRENCY_INTERVAL: Final = timedelta(days=1)
FIRMWARE_INTERVAL: Final = timedelta(hours=6)
# The live stream: status every 10 s for as long as the cloud says it runs (else 900 s).
LIVE_STREAM_INTERVAL: Final = timedelta(seconds=10)
LIVE_STREAM_SECONDS: Final = 900
# A new current reaches a running session only through a stop, this pause and a start (#158).
CURRENT_RESTART_DELAY: Final = 30
# A start or stop is checked in the status: the poll right after it, and one more this many
# seconds later (the charger has not followed after two: the action fails).
COMMAND_CHECKS: Final = 2
COMMAND_CHECK_DELAY: Final = 10.0
# Waits after a 400 or 429 without Retry-After: growing from 60 s to 15 minutes.
MIN_BACKOFF: Final = 60.0
MAX_BACKOFF: Final = 900.0
# A user resend of the MFA code waits this long after the last one.
MFA_RESEND_WAIT: Final = 30

# How often the charger summary (lifetime meter, amp limits) is read: every minute while a
# charger charges (its meter moves), else as often as the limits may change.
SUMMARY_FAST_INTERVAL: Final = timedelta(minutes=1)
SUMMARY_IDLE_INTERVAL: Final = timedelta(minutes=10)
SUMMARY_TAIL: Final = timedelta(minutes=5)
"""After a session ends the meter is still read every minute this long (it may lag)."""
# A home charger delivers at most 22 kW (32 A on three 230 V phases); the bound for a charger
# whose summary does not tell its own.
MAX_CHARGER_POWER_KW: Final = 22.1
