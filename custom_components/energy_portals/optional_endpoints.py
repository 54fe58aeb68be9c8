"""Endpoints that an account or a device may not offer (HTTP 404, or 403 where the login works
but this data is refused): a JSPro endpoint group, the Emporia proxy's day and month buckets,
Enphase session history, a FlowerHub data group.

Their entities stay away or unavailable, the rest of the entry keeps working, the log says so
once at WARNING with what the owner can do, and the endpoint is asked again once a day (a
firmware, a proxy or a plan may add it), not at every poll. One endpoint asked for several
things (each device's buckets, each charger's history) is tracked for each of them apart.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from datetime import datetime, timedelta

from homeassistant.util import dt as dt_util

from .const import LOGGER
from .errors import PortalAccessDeniedError, PortalNotFoundError

ASK_AGAIN_AFTER = timedelta(days=1)
NO_HINT = "those entities stay unavailable, the rest keeps working"


class OptionalEndpoints:
    """The endpoints of one entry that answered 404 (or 403), for what, and since when; each
    endpoint is reported once until none of its reads is missing any more."""

    def __init__(self, owner: str, hint: str = NO_HINT) -> None:
        self._owner = owner
        """Who does not offer the endpoint, as a log line names it ("The JSPro controller")."""
        self._hint = hint
        """What the owner can do about a missing endpoint (default: nothing)."""
        self._missing_since: dict[tuple[str, Hashable], datetime] = {}
        self._reported: set[str] = set()
        self.changes = 0
        """Counts each time an endpoint goes missing or comes back (entities follow it)."""

    @property
    def unsupported(self) -> set[str]:
        """The endpoints whose last read (of something) answered 404 (or 403)."""
        return {name for name, _ in self._missing_since}

    def offered(self, name: str, key: Hashable = None) -> bool:
        """False while the endpoint's last read for `key` answered 404 (or 403)."""
        return (name, key) not in self._missing_since

    async def fetch[T](
        self, name: str, call: Callable[[], Awaitable[T]], key: Hashable = None
    ) -> T | None:
        """The endpoint's answer for `key`; None while it is not offered (asked again daily)."""
        now = dt_util.utcnow()
        since = self._missing_since.get((name, key))
        if since is not None and since <= now < since + ASK_AGAIN_AFTER:
            return None
        try:
            data = await call()
        except (PortalNotFoundError, PortalAccessDeniedError) as err:
            if since is None:
                self.changes += 1
            self._missing_since[name, key] = now
            if name not in self._reported:
                self._reported.add(name)
                LOGGER.warning(
                    "%s does not offer its %s endpoint (HTTP %s); %s. It is asked again daily",
                    self._owner,
                    name,
                    err.status,
                    self._hint,
                )
            return None
        if self._missing_since.pop((name, key), None) is not None:
            self.changes += 1
        if name in self._reported and name not in self.unsupported:
            self._reported.discard(name)
            LOGGER.info("%s offers its %s endpoint again", self._owner, name)
        return data

    def reprobe(self) -> None:
        """Ask for the missing endpoints at their next read (a firmware may have added them)."""
        self._missing_since.clear()
