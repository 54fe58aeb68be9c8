"""The coordinator every vendor builds on: it turns client errors into what Home Assistant expects.

Home Assistant's DataUpdateCoordinator already logs a failure once and its recovery once, keeps
entities unavailable in between, and waits `UpdateFailed.retry_after` before the next try; this
class only translates the vendor clients' errors into those terms.
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from datetime import datetime, timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .const import DOMAIN, LOGGER
from .errors import (
    PortalAuthError,
    PortalConnectionError,
    PortalError,
    PortalRateLimitError,
    PortalUpstreamError,
)
from .optional_endpoints import OptionalEndpoints

# Used when a 429 carries no Retry-After: long enough that a vendor's block can lift.
DEFAULT_RATE_LIMIT_WAIT = 300.0


class UpstreamFailuresAtInfo(logging.Filter):
    """Home Assistant logs a coordinator's first failure at ERROR. When the peer answered that
    the service behind it is unreachable (PortalUpstreamError), nothing is broken here: the
    line (still once, and its recovery once) goes out at INFO."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Lower the record's level when it reports such a failure (dropped when the logger
        is set above INFO)."""
        args = record.args if isinstance(record.args, tuple) else ()
        if any(
            isinstance(arg, UpdateFailed) and isinstance(arg.__cause__, PortalUpstreamError)
            for arg in args
        ):
            record.levelno, record.levelname = logging.INFO, "INFO"
            return LOGGER.isEnabledFor(logging.INFO)
        return True


LOGGER.addFilter(UpstreamFailuresAtInfo())


class PortalCoordinator[DataT](DataUpdateCoordinator[DataT]):
    """A coordinator whose `_async_fetch` may raise the vendor client errors."""

    config_entry: ConfigEntry[Any]
    endpoints: OptionalEndpoints | None = None
    """The optional endpoints its fetch reads, where its entities' availability follows them:
    a refresh in which one goes missing or comes back tells the entities even when the data
    is equal (the coordinator otherwise skips unchanged data)."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        *,
        name: str,
        update_interval: timedelta | None,
    ) -> None:
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=name,
            update_interval=update_interval,
            always_update=False,
        )
        self.last_success_at: datetime | None = None
        """When a fetch last worked (system health shows it)."""
        self.backoff_until: datetime | None = None
        """Until when the vendor asked us to wait (a rate limit, a Retry-After)."""

    @callback
    def async_set_updated_data(self, data: DataT) -> None:
        """Data pushed to it (a socket's frame) is a success too."""
        self.last_success_at = dt_util.utcnow()
        super().async_set_updated_data(data)

    @abstractmethod
    async def _async_fetch(self) -> DataT:
        """Fetch fresh data from the vendor."""

    async def _async_update_data(self) -> DataT:
        """Fetch, with the vendor's errors as Home Assistant's (reauth, retry after, failure)."""
        changes = self.endpoints.changes if self.endpoints else 0
        try:
            data = await self._async_fetch()
        except PortalAuthError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="auth_failed"
            ) from err
        except PortalRateLimitError as err:
            wait = err.retry_after if err.retry_after is not None else DEFAULT_RATE_LIMIT_WAIT
            self.backoff_until = dt_util.utcnow() + timedelta(seconds=wait)
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="rate_limited",
                translation_placeholders={"seconds": str(round(wait))},
                retry_after=wait,
            ) from err
        except PortalConnectionError as err:
            if err.retry_after is not None:
                self.backoff_until = dt_util.utcnow() + timedelta(seconds=err.retry_after)
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="cannot_connect",
                translation_placeholders={"error": str(err)},
                retry_after=err.retry_after,
            ) from err
        except PortalError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="invalid_response",
                translation_placeholders={"error": str(err)},
            ) from err
        except UpdateFailed as err:  # a vendor's own, perhaps with a wait (a paused sign-in)
            if err.retry_after is not None:
                self.backoff_until = dt_util.utcnow() + timedelta(seconds=err.retry_after)
            raise
        finally:
            self.always_update = self.endpoints is not None and self.endpoints.changes != changes
        self.last_success_at = dt_util.utcnow()
        self.backoff_until = None
        return data
