"""Errors raised by the vendor clients (no Home Assistant imports here)."""


class PortalError(Exception):
    """Base of every error a vendor client raises."""


class PortalAuthError(PortalError):
    """The credentials or tokens were refused."""


class PortalConnectionError(PortalError):
    """The service could not be reached, timed out or failed on its side (5xx)."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PortalUpstreamError(PortalConnectionError):
    """The peer answered, but cannot reach the service behind it (the Emporia proxy's 400 when
    Emporia fails): the service is unreachable, which is neither our error nor the user's."""


class PortalRateLimitError(PortalError):
    """The service asked us to slow down (HTTP 429)."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PortalResponseError(PortalError):
    """The service answered something we cannot use (bad JSON, HTML, an error status)."""

    def __init__(self, message: str, *, status: int | None = None, body: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.body = body


class PortalHtmlResponseError(PortalResponseError):
    """The service answered an HTML page where JSON was expected (often a login wall)."""


class PortalNotFoundError(PortalResponseError):
    """The endpoint does not exist on this service (HTTP 404)."""


class PortalAccessDeniedError(PortalResponseError):
    """The login works, but this data is refused (HTTP 403 on a data endpoint): no reauth."""
