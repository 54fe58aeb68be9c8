"""What the cloud was asked, for the diagnostics: requests per endpoint and the last error per
call family (status codes and error kinds only: never a token, cookie or serial)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ...http import endpoint_name


@dataclass(slots=True)
class RequestLog:
    """Counts since setup."""

    counts: Counter[str] = field(default_factory=Counter)
    """Endpoint name (the last path segment without digits) -> requests sent."""
    last_errors: dict[str, str] = field(default_factory=dict)
    """Call family -> its last failure (`HTTP 500`, `PortalConnectionError`)."""

    def sent(self, path: str) -> None:
        self.counts[endpoint_name(path)] += 1

    def failed(self, family: str, error: str) -> None:
        self.last_errors[family] = error
