"""Repair issues for what blocks an Enphase owner, each cleared once its cause is gone:

- the sign-in is refused for a reason the owner can fix (a changed password, a code now
  needed): fixable, the fix starts the re-authentication;
- Enlighten reports too many active sessions: sign out elsewhere; sign-ins wait a day;
- Enlighten has been rate limiting the status for more than an hour;
- an optional service (the session history, the schedules, the firmware) has failed for six
  hours: a warning, unless the owner silenced these (the entry's option).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from homeassistant.components.repairs import ConfirmRepairFlow, RepairsFlow, RepairsFlowResult
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from ...const import DOMAIN
from ...errors import PortalAuthError, PortalRateLimitError
from .const import CONF_EMAIL, CONF_SILENCE_OPTIONAL_REPAIRS
from .credentials import EnphaseMfaRequiredError, EnphaseSignInError
from .service_health import OPTIONAL, STATUS, ServiceHealth

ISSUE_SIGN_IN = "enphase_sign_in_refused"
ISSUE_SESSIONS = "enphase_too_many_sessions"
ISSUE_RATE_LIMITED = "enphase_rate_limited"
ISSUE_OPTIONAL = "enphase_optional_service_down"
ISSUES = (ISSUE_SIGN_IN, ISSUE_SESSIONS, ISSUE_RATE_LIMITED)
OPTIONAL_ISSUES = tuple(f"{ISSUE_OPTIONAL}_{family}" for family in OPTIONAL)
RATE_LIMIT_REPAIR_AFTER = timedelta(hours=1)
OPTIONAL_REPAIR_AFTER = timedelta(hours=6)


def issue_id(kind: str, entry_id: str) -> str:
    """The issue of this kind for one entry."""
    return f"{kind}_{entry_id}"


class EnphaseRepairs:
    """Raises and clears one entry's repair issues from what the status poll meets."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        self.hass = hass
        self.entry = entry
        self.rate_limited_since: datetime | None = None

    def failed(self, err: BaseException, now: datetime) -> None:
        """A status poll failed with `err`."""
        if isinstance(err, PortalRateLimitError):
            self.rate_limited_since = self.rate_limited_since or now
            if now - self.rate_limited_since >= RATE_LIMIT_REPAIR_AFTER:
                hours = (now - self.rate_limited_since) / timedelta(hours=1)
                self._raise(ISSUE_RATE_LIMITED, {"hours": str(int(hours))})
            return
        if isinstance(err, EnphaseSignInError) and err.reason == "too_many_sessions":
            hours = max(round((err.retry_after or 0) / 3600), 1)
            self._raise(ISSUE_SESSIONS, {"hours": str(hours)})
        elif isinstance(err, PortalAuthError) or (
            isinstance(err, EnphaseSignInError) and err.reason == "rejected"
        ):  # refused now, or paused after a refusal (a restart keeps the pause)
            self._raise(ISSUE_SIGN_IN, {"reason": self._sign_in_reason(err)}, fixable=True)

    def _sign_in_reason(self, err: BaseException) -> str:
        """What the owner must give again: a code, the password, or a new pasted session."""
        if isinstance(err, EnphaseMfaRequiredError):
            return "mfa"
        return "password" if CONF_EMAIL in self.entry.data else "session"

    def served(self) -> None:
        """The status answered: whatever blocked the owner is gone."""
        self.rate_limited_since = None
        for kind in ISSUES:
            self._delete(kind)

    def optional_services(self, health: ServiceHealth, now: datetime) -> None:
        """Warn of an optional service failing for six hours (not when silenced, nor while
        the status fails too: the cloud is down, not the service); clear the warning once
        it answers."""
        silenced = self.entry.options.get(CONF_SILENCE_OPTIONAL_REPAIRS, False)
        silenced = silenced or STATUS in health.failing
        for family, kind in zip(OPTIONAL, OPTIONAL_ISSUES, strict=True):
            since = health.failing.get(family)
            if since is None or silenced or now - since < OPTIONAL_REPAIR_AFTER:
                self._delete(kind)
                continue
            hours = int((now - since) / timedelta(hours=1))
            self._raise(kind, {"hours": str(hours)}, severity=ir.IssueSeverity.WARNING)

    def _raise(
        self,
        kind: str,
        placeholders: dict[str, str],
        *,
        fixable: bool = False,
        severity: ir.IssueSeverity = ir.IssueSeverity.ERROR,
    ) -> None:
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            issue_id(kind, self.entry.entry_id),
            is_fixable=fixable,
            is_persistent=False,
            severity=severity,
            translation_key=f"{kind}_{placeholders['reason']}" if fixable else kind,
            translation_placeholders={**placeholders, "title": self.entry.title},
            data={"entry_id": self.entry.entry_id},
        )

    def _delete(self, kind: str) -> None:
        ir.async_delete_issue(self.hass, DOMAIN, issue_id(kind, self.entry.entry_id))


def delete_issues(hass: HomeAssistant, entry_id: str) -> None:
    """Remove the entry's issues (the entry is gone)."""
    for kind in ISSUES + OPTIONAL_ISSUES:
        ir.async_delete_issue(hass, DOMAIN, issue_id(kind, entry_id))


class SignInRepairFlow(ConfirmRepairFlow):
    """Confirming starts the entry's re-authentication (a new password or code)."""

    def __init__(self, entry_id: str) -> None:
        super().__init__()
        self.entry_id = entry_id

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Start the re-authentication once the owner confirms."""
        if user_input is not None:
            entry = self.hass.config_entries.async_get_entry(self.entry_id)
            if entry is not None:
                entry.async_start_reauth(self.hass)
        return await super().async_step_confirm(user_input)


def fix_flow(issue: str, entry_id: str) -> RepairsFlow | None:
    """The fix flow of an Enphase issue that has one."""
    return SignInRepairFlow(entry_id) if issue.startswith(ISSUE_SIGN_IN) else None
