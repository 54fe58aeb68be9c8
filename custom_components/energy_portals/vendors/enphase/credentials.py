"""What an Enlighten client holds and meets: cookie names, call families, what signing in
can fail with, the stored session and the readers of cookies, tokens and login walls (no
Home Assistant imports here). auth.py signs in with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ...errors import PortalAuthError, PortalError
from ...http import HttpResponse
from ...parse import as_float, as_object, as_str
from ...tokens import jwt_claims

BROWSER_USER_AGENT = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Safari/605.1.15"
)
"""The cloud answers 406 to agents that are not a browser's."""
SESSION_COOKIE = "_enlighten_4_session"
MANAGER_COOKIE = "enlighten_manager_token_production"
XSRF_COOKIES = ("XSRF-TOKEN", "BP-XSRF-Token")

REJECTED_PAUSE = 300.0
LONG_PAUSE = 86_400.0
"""After 3 refused sign-ins in a row, "too many active sessions", or a login wall while
paused: a day, as the field learned (#528, #621)."""
REJECTIONS_BEFORE_LONG_PAUSE = 3


class Family(StrEnum):
    """Call families: each needs its own headers (section 2 of the field notes)."""

    LOGIN = "login"
    SEARCH = "search"
    STATUS = "status"
    CONTROL = "control"
    HISTORY = "history"
    READ = "read"


class EnphaseSignInError(PortalError):
    """Signing in cannot work now, and a new password would not help.

    `reason` is `login_wall`, `too_many_sessions` or `account_blocked`; `retry_after` the
    seconds before the next try.
    """

    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(f"Enlighten sign-in refused: {reason}")
        self.reason = reason
        self.retry_after = retry_after


class EnphaseMfaRequiredError(PortalAuthError):
    """The account needs a code sent to the owner's phone: only the owner can sign in."""


class EnphaseInvalidCodeError(PortalError):
    """The MFA code was wrong or has expired."""


@dataclass(slots=True)
class StoredSession:
    """What a signed-in client keeps across restarts: the cookie jar and the access token."""

    cookies: dict[str, str] = field(default_factory=dict)
    token: str | None = None
    expires_at: float | None = None
    paused_until: float | None = None
    """Signing in waits until then (kept, so a setup retry does not sign in again at once)."""
    pause_reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The form stored in the config entry."""
        return {
            "cookies": dict(self.cookies),
            "token": self.token,
            "expires_at": self.expires_at,
            "paused_until": self.paused_until,
            "pause_reason": self.pause_reason,
        }

    @classmethod
    def from_dict(cls, data: Any) -> StoredSession:
        """Read the stored form (anything unreadable is left out)."""
        stored = as_object(data)
        cookies = {str(k): str(v) for k, v in as_object(stored.get("cookies")).items()}
        return cls(
            cookies,
            as_str(stored.get("token")),
            as_float(stored.get("expires_at")),
            as_float(stored.get("paused_until")),
            as_str(stored.get("pause_reason")),
        )


def cookies_of(header: str) -> dict[str, str]:
    """The cookies of a pasted `Cookie` header, by name."""
    cookies = {}
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name:
            cookies[name] = value
    return cookies


def claims_of(token: str | None) -> dict[str, Any]:
    """The claims of an Enlighten JWT; some of them sit under `data`."""
    claims = jwt_claims(token)
    return {**as_object(claims.get("data")), **claims}


def is_login_wall(response: HttpResponse) -> bool:
    """A JSON endpoint answered the HTML sign-in page: the session has ended (#528)."""
    text = response.text.lstrip()[:4096].lower()
    return (
        response.status == 200
        and text.startswith("<")
        and ("enphase" in text or "/login/login" in text)
    )
