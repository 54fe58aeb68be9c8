"""The live connection of one entry: exactly one WebSocket, reconnected with backoff.

Every sample feeds the live state (energy integration); the coordinator is told when a sample
arrives an interval (less PUBLISH_JITTER) after the last publish, so entities write about once
per interval whatever the socket's pace, and show a sample the moment it arrives. The interval
timer only publishes what no sample will: staleness, expired nulls, and the last held sample
once the socket has been quiet for two intervals. (Publishing held samples from the timer
would lock the writes into the timer's phase, up to a whole interval behind the socket.)
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Callable
from datetime import timedelta

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_time_interval

from ...const import DOMAIN, LOGGER
from ...errors import (
    PortalAuthError,
    PortalConnectionError,
    PortalError,
    PortalNotFoundError,
    PortalRateLimitError,
)
from ...peer_limits import MAX_CHANNELS, MAX_DEVICES
from .api import EmporiaClient, wall_clock
from .backfill import Backfill
from .const import (
    BACKOFF_BASE,
    BACKOFF_MAX,
    ISSUE_NO_DATA,
    ISSUE_TOO_MANY,
    NO_DATA_REPAIR_AFTER,
    PUBLISH_JITTER,
    STABLE_SESSION,
    stale_after,
)
from .coordinator import EmporiaLiveCoordinator
from .live import LiveState, clock
from .stream import EmporiaStream, StreamTokenError
from .usage import UsageSample

INSTANT_RECHECK_MAX = 60.0
"""While Emporia fails, /devices/instant is asked at least this often (one small request), so
that live data comes back within a minute of Emporia (the socket's backoff reaches 5 min)."""


def backoff_delay(attempt: int, rand: float) -> float:
    """1 s, 2 s, 4 s ... up to 5 min, each spread by +-20 % so clients do not align."""
    return float(min(BACKOFF_MAX, BACKOFF_BASE * 2 ** min(attempt, 16) * (0.8 + 0.4 * rand)))


class EmporiaPush:
    """Runs the entry's socket (as an entry background task) and publishes throttled snapshots."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        *,
        client: EmporiaClient,
        stream: EmporiaStream,
        coordinator: EmporiaLiveCoordinator,
        interval: float,
        now: Callable[[], float] = clock,
        wall: Callable[[], float] = wall_clock,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.hass = hass
        self.entry = entry
        self.client = client
        self.stream = stream
        self.coordinator = coordinator
        self.state: LiveState = coordinator.state
        self.interval = interval
        self.stale_after = stale_after(interval)
        self._now = now
        self._wall = wall
        self._rand = rand
        self.backfill = Backfill(client, self.state, wall)
        self._backfilling = False
        self._renewed_at: float | None = None
        self._unexpected_logged = False
        self.instant_supported: bool | None = None
        self.sessions = 0
        self.authenticated = False
        self.last_delay: float | None = None
        self._stopping = False
        self._lost_logged = False
        self._last_publish: float | None = None
        self._instant_not_before = 0.0
        self._instant_failures = 0
        self._session_started = 0.0
        self._session_delivered = False
        """The current socket has delivered a sample (deviceData)."""
        self._data_since_start = self._now()
        """When data last arrived (socket or /devices/instant), or when the task started."""
        self.issue_id = f"{ISSUE_NO_DATA}_{entry.entry_id}"
        self._issue_raised = False
        self._refused_frames_logged = False
        self._too_many_raised = False
        self.too_many_issue_id = f"{ISSUE_TOO_MANY}_{entry.entry_id}"
        self._emporia_failing = False
        """A REST answer said the proxy cannot reach Emporia (and none has said otherwise)."""
        self._reachable = asyncio.Event()
        """Set when a REST answer shows the proxy reaches Emporia again after failing."""
        self._quiet_until = 0.0
        """Until when the proxy asked for quiet (Retry-After): no early reconnect before."""

    async def async_prime(self) -> None:
        """Fill the first state from /devices/instant where the proxy serves it (404: push only)."""
        await self._async_poll_instant()
        self.publish()

    @callback
    def async_start(self) -> None:
        """Start the socket task and the staleness check; both end with the entry."""
        self.entry.async_create_background_task(
            self.hass, self.async_run(), f"Emporia live data {self.entry.entry_id}"
        )
        self.entry.async_on_unload(
            async_track_time_interval(self.hass, self._async_tick, timedelta(seconds=self.interval))
        )
        self.entry.async_on_unload(self.async_stop)
        # The notices belong to this run of the entry (they are raised again if need be).
        self.entry.async_on_unload(lambda: ir.async_delete_issue(self.hass, DOMAIN, self.issue_id))
        self.entry.async_on_unload(
            lambda: ir.async_delete_issue(self.hass, DOMAIN, self.too_many_issue_id)
        )

    @property
    def stopping(self) -> bool:
        """The entry is unloading: no reconnect."""
        return self._stopping

    async def async_stop(self) -> None:
        """Close the socket cleanly; the task then ends (or is cancelled by the entry)."""
        self._stopping = True
        await self.stream.async_close()

    async def async_run(self) -> None:
        """Keep one socket open: connect, authenticate, consume; back off and retry on failure."""
        attempt = 0
        renew = False
        while not self._stopping:
            self.authenticated = False
            self._reachable.clear()  # only news from after this attempt may cut its wait
            retry_after = 0.0
            error: PortalError
            try:
                token = await self.client.async_token(renew=renew)
                renew = False
                self.sessions += 1
                self._session_delivered = False
                await self.stream.async_listen(
                    token,
                    on_authenticated=self._on_authenticated,
                    on_sample=self._on_sample,
                    idle_timeout=self.stale_after,
                )
            except StreamTokenError as err:
                if self.authenticated and not self.stopping and self._may_renew_at_once():
                    # The token of a working socket expired: renew it and reconnect at once.
                    LOGGER.debug("Emporia token expired on the live socket; logging in again")
                    renew = True
                    continue
                renew, error = True, err
            except PortalAuthError:
                self._reauth()
                return
            except PortalError as err:
                error = err
                retry_after = _retry_after(err)
            except Exception as err:  # noqa: BLE001  # the live task must outlive any bug
                self._unexpected()
                error = PortalError(f"unexpected {type(err).__name__}")
            if self.stopping:
                return
            if self._session_delivered or (
                self.authenticated and self._now() - self._session_started >= STABLE_SESSION
            ):
                # Only a socket that worked starts the backoff over; one that authenticates
                # and then closes (the proxy failing to reach Emporia) keeps backing off.
                attempt = 0
            self.authenticated = False
            self._connection_lost(error)
            self.last_delay = max(retry_after, backoff_delay(attempt, self._rand()))
            if retry_after:  # the proxy asked for quiet: /devices/instant waits as well
                self._instant_not_before = self._now() + retry_after
            self._quiet_until = self._now() + retry_after
            attempt += 1
            try:
                await self._async_wait(self.last_delay)
            except PortalAuthError:
                self._reauth()
                return

    def _may_renew_at_once(self) -> bool:
        """Reconnect at once after a token complaint only if the last one is a while ago.

        A proxy that complains about every fresh token would otherwise be asked in a loop.
        """
        now = self._now()
        if self._renewed_at is not None and now - self._renewed_at < 2 * self.stale_after:
            return False
        self._renewed_at = now
        return True

    def _reauth(self) -> None:
        # Only a refused login gets here: the stored credentials no longer work.
        LOGGER.warning("The Emporia proxy refused the stored credentials")
        self.entry.async_start_reauth(self.hass)

    @callback
    def emporia_unreachable(self) -> None:
        """A REST answer said the proxy cannot reach Emporia."""
        self._emporia_failing = True

    @callback
    def emporia_answered(self) -> None:
        """A REST answer came from Emporia: after a failure, a socket waiting to reconnect
        goes at once (its backoff may have grown to minutes during the outage)."""
        if self._emporia_failing:
            self._emporia_failing = False
            self._reachable.set()

    async def _async_wait(self, delay: float) -> None:
        """Sleep before reconnecting; meanwhile /devices/instant keeps the states going.

        Ends early when a REST answer shows that the proxy reaches Emporia again. Only an
        answer after a failed one does: a socket that fails while the REST side works keeps
        its backoff (no reconnect storm).
        """
        end = self._now() + delay
        while not self._stopping and (left := end - self._now()) > 0:
            try:
                await self._async_poll_instant()
            except PortalAuthError:
                raise
            except Exception:  # noqa: BLE001  # the live task must outlive any bug
                self._unexpected()
            if self._reachable.is_set() and self._now() >= self._quiet_until:
                LOGGER.debug("The Emporia proxy reaches Emporia again: reconnecting now")
                return
            if self._reachable.is_set():  # but the proxy asked for quiet: sleep plainly
                await asyncio.sleep(min(left, self.interval))
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._reachable.wait(), min(left, self.interval))

    def _unexpected(self) -> None:
        """Log a bug's traceback once per entry; the task goes on."""
        if not self._unexpected_logged:
            LOGGER.exception("Unexpected error on the Emporia live connection")
            self._unexpected_logged = True

    async def _async_poll_instant(self) -> None:
        if self.instant_supported is False:
            return
        now = self._now()
        if now < self._instant_not_before:
            return
        self._instant_not_before = now + self.interval
        try:
            sample = await self.client.async_get_instant()
        except PortalNotFoundError:
            LOGGER.debug("This Emporia proxy has no /devices/instant: push only")
            self.instant_supported = False
            return
        except PortalAuthError:
            raise
        except PortalError as err:
            # The proxy asks Emporia for every call: back off as the socket does, but look
            # at least every INSTANT_RECHECK_MAX, the first answer reconnecting the socket.
            LOGGER.debug("Emporia /devices/instant failed: %s", err)
            if isinstance(err, PortalConnectionError):
                self.emporia_unreachable()
            wait = min(backoff_delay(self._instant_failures, self._rand()), INSTANT_RECHECK_MAX)
            self._instant_failures += 1
            self._instant_not_before = now + max(self.interval, _retry_after(err), wait)
            return
        self._instant_failures = 0
        self.instant_supported = True
        self.emporia_answered()
        self._ingest(sample, force=True)

    @callback
    def _on_authenticated(self) -> None:
        self.authenticated = True
        self._session_started = self._now()

    def _connection_lost(self, error: PortalError) -> None:
        if not self._lost_logged:
            LOGGER.warning("Emporia live data connection lost (%s); reconnecting", error)
            self._lost_logged = True

    @callback
    def _on_sample(self, sample: UsageSample) -> None:
        self._session_delivered = True
        if self._lost_logged:
            LOGGER.info("Emporia live data connection is back")
            self._lost_logged = False
        self._ingest(sample)

    def _ingest(self, sample: UsageSample, *, force: bool = False) -> None:
        now = self._now()
        self._data_since_start = now
        if self._issue_raised:
            self._issue_raised = False
            ir.async_delete_issue(self.hass, DOMAIN, self.issue_id)
        new = self.state.ingest(sample, now, self._wall())
        if self.state.refused and not self._too_many_raised:
            self._too_many()
        current = self.coordinator.data
        if (
            force
            or new
            or current is None
            or not current.fresh
            or self._last_publish is None
            or now - self._last_publish >= self.interval - PUBLISH_JITTER
        ):
            self.publish()

    def _too_many(self) -> None:
        """The proxy named more devices or channels than an entry holds: the new ones are
        refused (once said in the log, and in a repair issue until the entry reloads)."""
        self._too_many_raised = True
        LOGGER.warning(
            "The Emporia proxy reports more than %s devices or %s channels; the new ones "
            "are not added (%s refused so far)",
            MAX_DEVICES,
            MAX_CHANNELS,
            self.state.refused,
        )
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self.too_many_issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_TOO_MANY,
            translation_placeholders={
                "title": self.entry.title,
                "devices": str(MAX_DEVICES),
                "channels": str(MAX_CHANNELS),
            },
        )

    def _note_refused_frames(self) -> None:
        """Frames the stream refused as unusable: said once per run of the entry."""
        if self.stream.refused_frames and not self._refused_frames_logged:
            self._refused_frames_logged = True
            LOGGER.warning(
                "The Emporia proxy sent live data that cannot be used (not JSON, nested "
                "too deep, or devices linked in a cycle); such data is skipped"
            )

    @callback
    def publish(self) -> None:
        """Hand the current snapshot to the coordinator (its entities write their states)."""
        now = self._now()
        self._last_publish = now
        self.coordinator.async_set_updated_data(self.state.snapshot(now))

    @callback
    def _async_tick(self, _now: object) -> None:
        """Publish what the samples have not: staleness, expired nulls, a trailing change.

        Also starts filling the gaps whose history is complete by now.
        """
        if not self._backfilling and self.backfill.due():
            self._backfilling = True
            self.entry.async_create_background_task(
                self.hass, self._async_backfill(), f"Emporia history {self.entry.entry_id}"
            )
        now = self._now()
        self._check_no_data(now)
        self._note_refused_frames()
        snapshot = self.state.snapshot(now)
        current = self.coordinator.data
        if current is None or snapshot == current:
            return
        # Quiet: no sample for two intervals (one alone is just the socket's pace).
        last_sample = self.state.last_sample_at
        quiet = last_sample is None or now - last_sample >= 2 * self.interval
        if quiet or snapshot.fresh != current.fresh:
            self.publish()

    def _check_no_data(self, now: float) -> None:
        """A repair issue once no data has come for 30 minutes (the proxy cannot reach
        Emporia); removed as soon as data flows again."""
        after = NO_DATA_REPAIR_AFTER.total_seconds()
        if self._issue_raised or now - self._data_since_start < after:
            return
        self._issue_raised = True
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self.issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_NO_DATA,
            translation_placeholders={"title": self.entry.title, "minutes": str(int(after // 60))},
        )

    async def _async_backfill(self) -> None:
        """Fill the due gaps; the totals show the energy at once."""
        try:
            if await self.backfill.async_fill_due():
                self.publish()
        except PortalError as err:
            LOGGER.debug("Emporia history not read: %s", err)
        finally:
            self._backfilling = False


def _retry_after(err: PortalError) -> float:
    """How long the proxy asked us to wait (429 or 5xx with Retry-After), else 0."""
    if isinstance(err, PortalRateLimitError | PortalConnectionError) and err.retry_after:
        return err.retry_after
    return 0.0
