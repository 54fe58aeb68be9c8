"""Endpoints that an account or a device may not offer (HTTP 404, or 403 where the login works
but this data is refused): a JSPro endpoint group, the Emporia proxy's day and month buckets,
Enphase session history, a FlowerHub data group.

Their entities stay away or unavailable, the rest of the entry keeps working, the log says so
once at WARNING with what the owner can do, and the endpoint is asked again once a day (a
firmware, a proxy or a plan may add it), not at every poll.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta

from homeassistant.util import dt as dt_util

from .const import LOGGER
from .errors import PortalAccessDeniedError, PortalNotFoundError

ASK_AGAIN_AFTER = timedelta(days=1)
NO_HINT = "those entities stay unavailable, the rest keeps working"


class OptionalEndpoints:
    """The endpoints of one entry (or one of its coordinators) that answered 404, and since
    when; each is reported once until it answers again."""

    def __init__(self, owner: str, hints: Mapping[str, str] | None = None) -> None:
        self._owner = owner
        """Who does not offer the endpoint, as a log line names it ("The JSPro controller")."""
        self._hints = hints or {}
        """What the owner can do, by endpoint (default: nothing; the rest keeps working)."""
        self._missing_since: dict[str, datetime] = {}
        self._reported: set[str] = set()

    @property
    def unsupported(self) -> set[str]:
        """The endpoints that answered 404 (or 403) at their last read."""
        return set(self._missing_since)

    def offered(self, name: str) -> bool:
        """False while the endpoint's last answer was 404 (or 403)."""
        return name not in self._missing_since

    async def fetch[T](self, name: str, call: Callable[[], Awaitable[T]]) -> T | None:
        """The endpoint's answer; None while it is not offered (asked again once a day)."""
        since = self._missing_since.get(name)
        if since is not None and dt_util.utcnow() - since < ASK_AGAIN_AFTER:
            return None
        try:
            data = await call()
        except (PortalNotFoundError, PortalAccessDeniedError) as err:
            self._missing_since[name] = dt_util.utcnow()
            if name not in self._reported:
                self._reported.add(name)
                LOGGER.warning(
                    "%s does not offer its %s endpoint (HTTP %s); %s. It is asked again daily",
                    self._owner,
                    name,
                    err.status,
                    self._hints.get(
                        name, "those entities stay unavailable, the rest keeps working"
                    ),
                )
            return None
        self._missing_since.pop(name, None)
        if name in self._reported:
            self._reported.discard(name)
            LOGGER.info("%s offers its %s endpoint again", self._owner, name)
        return data

    def reprobe(self) -> None:
        """Ask for the missing endpoints at their next read (a firmware may have added them)."""
        self._missing_since.clear()
