"""Signing in to Enlighten: password and MFA, the access token and its renewal, the cookie jar
and the headers each call family needs (no Home Assistant imports here).

The facts are in enphase-cloud-more.md, sections 1, 2 and 9.
"""

from __future__ import annotations

import asyncio
import base64
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote

import aiohttp

from ...answers import AnswerLog
from ...const import CONF_BASE_URL
from ...errors import PortalAuthError, PortalError, PortalResponseError
from ...http import HttpResponse, raise_for_status, send
from ...parse import as_float, as_str
from .const import CONF_COOKIE, CONF_E_AUTH_TOKEN, CONF_EMAIL, CONF_MFA, CONF_PASSWORD, CONF_SESSION
from .credentials import (
    BROWSER_USER_AGENT,
    LONG_PAUSE,
    MANAGER_COOKIE,
    REJECTED_PAUSE,
    REJECTIONS_BEFORE_LONG_PAUSE,
    SESSION_COOKIE,
    XSRF_COOKIES,
    EnphaseInvalidCodeError,
    EnphaseMfaRequiredError,
    EnphaseSignInError,
    Family,
    StoredSession,
    claims_of,
    cookies_of,
    is_login_wall,
)
from .requests_log import RequestLog


class EnphaseAuth:
    """One account's sign-in: its own cookie jar, the access token, renewal and headers."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        *,
        email: str | None = None,
        password: str | None = None,
        mfa: bool = False,
        stored: StoredSession | None = None,
        now: Callable[[], float] | None = None,
    ) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.requests = RequestLog()
        """Requests per endpoint and the last error per family, for the diagnostics."""
        self.answers = AnswerLog()
        """The last answer of each endpoint, for the diagnostics."""
        self._email = email
        self._password = password
        self.mfa = mfa
        stored = stored or StoredSession()
        self.cookies = dict(stored.cookies)
        self.token = stored.token
        self.expires_at = stored.expires_at
        self.on_change: Callable[[], None] | None = None
        """Called when the cookies or the token changed (to store them)."""
        self._now = now or _wall_clock
        self._lock = asyncio.Lock()
        self._paused_until = stored.paused_until or 0.0
        self._pause_reason = stored.pause_reason or "rejected"
        self._rejections = 0
        self._walls = 0

    @classmethod
    def pasted(
        cls, session: aiohttp.ClientSession, base_url: str, *, token: str, cookie: str
    ) -> EnphaseAuth:
        """Sign-in by a token and cookie pasted from a browser."""
        return cls(session, base_url, stored=StoredSession(cookies_of(cookie), token))

    @property
    def can_sign_in(self) -> bool:
        """A password is stored and no code is needed: the client can sign in again itself."""
        return bool(self._email and self._password) and not self.mfa

    def stored(self) -> StoredSession:
        """The cookies and token to keep."""
        paused = self._paused_until or None
        return StoredSession(
            dict(self.cookies),
            self.token,
            self.expires_at,
            paused,
            self._pause_reason if paused else None,
        )

    # -- headers ------------------------------------------------------------------------------

    def headers(
        self,
        family: Family,
        site_id: str | None = None,
        *,
        access_bearer: bool = False,
        tokens: bool = True,
    ) -> dict[str, str]:
        """The headers a call of `family` needs (cookies, tokens, browser, Referer, Accept).

        Control calls carry the manager cookie's JWT as Bearer, else the access token;
        `access_bearer` sends the access token (for a retry: the manager JWT may have expired
        while the session still renews access tokens); without `tokens`, only the cookies
        sign the call (a refused charger-config read is tried so, as the field does).
        """
        headers = {
            "User-Agent": BROWSER_USER_AGENT,
            "X-Requested-With": "XMLHttpRequest",
            "Accept": "*/*",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        xsrf = next((self.cookies[name] for name in XSRF_COOKIES if name in self.cookies), None)
        if xsrf:
            headers["X-CSRF-Token"] = unquote(xsrf)
        if family is Family.LOGIN:
            return {**headers, "Referer": f"{self.base_url}/"}
        if self.token:
            headers["e-auth-token"] = self.token
        version = self.cookies.get("appVersion", "")
        graph = f"{self.base_url}/web/{site_id}/today/graph/hours?v={version}"
        if family is Family.SEARCH:
            headers["Referer"] = f"{self.base_url}/"
            if self.token:
                headers["Authorization"] = f"Bearer {self.token}"
        elif family is Family.STATUS:
            headers["Referer"] = graph
        elif family is Family.CONTROL:
            headers["Referer"] = graph
            headers["Accept"] = "application/json, text/javascript, */*; q=0.01"
            bearer = (None if access_bearer else self.cookies.get(MANAGER_COOKIE)) or self.token
            if bearer:
                headers["Authorization"] = f"Bearer {bearer}"
        elif family is Family.HISTORY:
            # The history service wants the JWT's own session and user (field notes, §2).
            claims = claims_of(self.token)
            bearer = self.token or self.cookies.get(MANAGER_COOKIE)
            if bearer:
                headers["Authorization"] = f"Bearer {bearer}"
            if session_id := as_str(claims.get("session_id")):
                headers["e-auth-token"] = session_id
            if user_id := as_str(claims.get("user_id")):
                headers["username"] = user_id
            headers["requestid"] = str(uuid.uuid4())
            headers["Accept"] = "application/json"
        elif site_id is not None:
            headers["Referer"] = f"{self.base_url}/pv/systems/{site_id}/summary"
        else:
            headers["Referer"] = f"{self.base_url}/"
        if not tokens:
            headers.pop("Authorization", None)
            headers.pop("e-auth-token", None)
        return headers

    async def send(
        self,
        method: str,
        path: str,
        family: Family,
        *,
        site_id: str | None = None,
        json_body: Any = None,
        form: Mapping[str, str] | None = None,
        access_bearer: bool = False,
        tokens: bool = True,
    ) -> HttpResponse:
        """One request with the family's headers; the cookies it sets are kept."""
        self.requests.sent(path)
        try:
            response = await send(
                self.session,
                method,
                f"{self.base_url}{path}",
                headers=self.headers(family, site_id, access_bearer=access_bearer, tokens=tokens),
                json_body=json_body,
                form=form,
                answers=self.answers,
            )
        except PortalError as err:
            self.requests.failed(family, type(err).__name__)
            raise
        if response.status >= 400:
            self.requests.failed(family, f"HTTP {response.status}")
        if any(self.cookies.get(name) != value for name, value in response.cookies.items()):
            self.cookies.update(response.cookies)
            self._changed()  # stored only when a cookie really changed, not at every call
        return response

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    # -- signing in ---------------------------------------------------------------------------

    async def async_sign_in(self) -> bool:
        """Sign in with e-mail and password: True when done, False when a code is needed."""
        form = {"user[email]": self._email or "", "user[password]": self._password or ""}
        self.cookies.clear()
        response = await self.send("POST", "/login/login.json", Family.LOGIN, form=form)
        if response.status == 406:  # this cloud only takes the HTML form
            response = await self.send("POST", "/login/login", Family.LOGIN, form=form)
        body = _sign_in_answer(response)
        if body.get("requires_mfa") is True or (
            body.get("success") is True
            and "login_otp_nonce" in self.cookies
            and not body.get("session_id")
        ):
            return False  # success with the nonce cookie but no session yet: a code is needed
        if body.get("success") is False:
            raise PortalAuthError("Enlighten refused the e-mail or password")
        await self.async_mint_token(fallback=self._manager_token(body))
        return True

    def _manager_token(self, body: dict[str, Any]) -> str | None:
        """The sign-in's manager token: from the answer, else from its cookie."""
        return as_str(body.get("manager_token")) or self.cookies.get(MANAGER_COOKIE)

    async def async_send_code(self) -> None:
        """Ask Enlighten to send a (new) code to the owner's phone."""
        response = await self.send(
            "POST", "/app-api/generate_mfa_login_otp", Family.LOGIN, form={"locale": "en"}
        )
        _sign_in_answer(response)

    async def async_validate_code(self, code: str) -> None:
        """Finish an MFA sign-in with the code."""
        email = base64.b64encode((self._email or "").encode()).decode()
        response = await self.send(
            "POST",
            "/app-api/validate_login_otp",
            Family.LOGIN,
            form={
                "email": email,
                "otp": base64.b64encode(code.strip().encode()).decode(),
                "xhrFields[withCredentials]": "true",
            },
        )
        if response.status == 429:
            raise EnphaseSignInError("account_blocked", retry_after=LONG_PAUSE)
        if response.status in (400, 404, 409, 422):
            raise EnphaseInvalidCodeError("Enlighten refused the code")
        body = _sign_in_answer(response)
        if body.get("isValid") is False or not (
            body.get("session_id") or SESSION_COOKIE in self.cookies
        ):
            raise EnphaseInvalidCodeError("Enlighten refused the code")
        await self.async_mint_token(fallback=self._manager_token(body))

    async def async_mint_token(self, *, fallback: str | None = None) -> None:
        """A fresh access token from the session cookie.

        A refusal means the session has ended; any other failure keeps `fallback` (the
        manager token of a fresh sign-in) as the token, as the field does.
        """
        response = await self.send("GET", "/users/self/token", Family.READ)
        if response.status in (401, 403) or is_login_wall(response):
            raise PortalAuthError("Enlighten refused to renew the access token")
        try:
            raise_for_status(response)
            body = response.json_object()
            token = as_str(body.get("token"))
            if token is None:
                raise PortalResponseError("Token answer has no token")
        except PortalError:
            if fallback is None:
                raise
            token, expires_at = fallback, as_float(claims_of(fallback).get("exp"))
        else:
            expires_at = as_float(body.get("expires_at")) or as_float(claims_of(token).get("exp"))
        self.token, self.expires_at = token, expires_at
        self._changed()

    # -- renewal ------------------------------------------------------------------------------

    async def async_renew(self, refused_token: str | None) -> None:
        """Renew after `refused_token` was refused: once for all the calls refused with it
        (single flight: the others find the token renewed and simply send again).

        First a new token from the session cookie; when the session has ended, a new sign-in
        with the stored password. Raises PortalAuthError when only the owner can help
        (refused password, MFA code needed, pasted tokens expired), EnphaseSignInError
        while signing in must wait.
        """
        async with self._lock:
            now = self._now()
            if self.token != refused_token:
                return  # renewed meanwhile, for another refused call
            if now < self._paused_until:
                raise EnphaseSignInError(self._pause_reason, retry_after=self._paused_until - now)
            try:
                await self.async_mint_token()
            except PortalAuthError:
                await self._async_sign_in_again()

    async def _async_sign_in_again(self) -> None:
        if self.mfa:
            raise EnphaseMfaRequiredError("The session ended and the account needs a code")
        if not self.can_sign_in:
            raise PortalAuthError("The pasted session has ended")
        try:
            signed_in = await self.async_sign_in()
        except PortalAuthError:
            self._rejections += 1
            long = self._rejections >= REJECTIONS_BEFORE_LONG_PAUSE
            self._pause("rejected", LONG_PAUSE if long else REJECTED_PAUSE)
            raise
        except EnphaseSignInError as err:
            self._pause(err.reason, LONG_PAUSE)
            err.retry_after = LONG_PAUSE
            raise
        if not signed_in:
            raise EnphaseMfaRequiredError("Enlighten now asks this account for a code")
        self._rejections = 0

    def served(self) -> None:
        """A call was answered: the login walls seen before are over."""
        self._walls = 0

    def login_wall(self) -> EnphaseSignInError:
        """The error for data that still answers the sign-in page after a renewal: pause
        (a day when the wall is still there after the pause, #528)."""
        self._walls += 1
        seconds = LONG_PAUSE if self._walls > 1 else REJECTED_PAUSE
        self._pause("login_wall", seconds)
        return EnphaseSignInError("login_wall", retry_after=seconds)

    def _pause(self, reason: str, seconds: float) -> None:
        self._paused_until = self._now() + seconds
        self._pause_reason = reason
        self._changed()


def _wall_clock() -> float:
    """Seconds since the epoch (looked up at each call, so tests can move time)."""
    return time.time()


def _sign_in_answer(response: HttpResponse) -> dict[str, Any]:
    """The JSON of a sign-in call, with its refusals as errors; an empty or HTML answer
    (the form fallback) is an empty object: carry on from the cookies."""
    if "too many active sessions" in response.text.lower():
        raise EnphaseSignInError("too_many_sessions", retry_after=LONG_PAUSE)
    if response.status == 406:
        raise PortalResponseError("Enlighten refused the sign-in form", status=406)
    raise_for_status(response)
    if not response.text.strip() or response.text.lstrip().startswith("<"):
        return {}
    try:
        body = response.json_object()
    except PortalResponseError as err:
        raise PortalResponseError("Sign-in answer is not JSON", status=response.status) from err
    if body.get("isBlocked") is True:
        raise EnphaseSignInError("account_blocked", retry_after=LONG_PAUSE)
    return body


def auth_of(session: aiohttp.ClientSession, data: Mapping[str, Any]) -> EnphaseAuth:
    """The sign-in an entry's data describes: e-mail and password (with the session they
    keep), or a pasted token and cookie."""
    stored = StoredSession.from_dict(data[CONF_SESSION]) if CONF_SESSION in data else None
    if CONF_EMAIL in data:
        return EnphaseAuth(
            session,
            data[CONF_BASE_URL],
            email=data[CONF_EMAIL],
            password=data[CONF_PASSWORD],
            mfa=bool(data.get(CONF_MFA)),
            stored=stored,
        )
    if stored is not None:
        return EnphaseAuth(session, data[CONF_BASE_URL], stored=stored)
    return EnphaseAuth.pasted(
        session, data[CONF_BASE_URL], token=data[CONF_E_AUTH_TOKEN], cookie=data[CONF_COOKIE]
    )
