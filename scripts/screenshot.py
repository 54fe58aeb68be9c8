"""Screenshots of Home Assistant pages in headless Chromium, driven over the DevTools protocol."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import signal
import tempfile
from pathlib import Path
from typing import Any

import aiohttp

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
]


PAGE_TEXT = """(() => {
  const lines = [];
  const walk = (node) => {
    if (node.shadowRoot) walk(node.shadowRoot);
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        const text = child.textContent.trim();
        if (text) lines.push(text);
      } else if (child.nodeName !== "STYLE" && child.nodeName !== "SCRIPT") {
        walk(child);
      }
    }
  };
  walk(document.body);
  return lines.join("\\n");
})()"""
"""Every text node the page shows, one per line, shadow roots included (the frontend's cards
live in them)."""

CLICK = """(() => {
  const find = (node) => {
    if (node.shadowRoot) { const hit = find(node.shadowRoot); if (hit) return hit; }
    for (const child of node.children || []) {
      const own = [...child.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent.trim()).join("");
      if (own === LABEL) return child.closest("ha-button, mwc-button, button") || child;
      const hit = find(child);
      if (hit) return hit;
    }
    return null;
  };
  const target = find(document.body);
  if (target) target.click();
  return Boolean(target);
})()"""
"""Press the element whose own text is LABEL (replaced by a JSON string), shadow roots
included."""


class PageNavigatedError(RuntimeError):
    """The page went on to another document while a call was answered."""


def login_url(hass_url: str, path: str, code: str) -> str:
    """A page URL that logs the frontend in with an authorization code."""
    state = base64.b64encode(
        json.dumps({"hassUrl": hass_url, "clientId": f"{hass_url}/"}).encode()
    ).decode()
    separator = "&" if "?" in path else "?"
    return f"{hass_url}{path}{separator}auth_callback=1&code={code}&state={state}"


class Browser:
    """One headless Chromium with a fresh profile; stopped by its pid."""

    def __init__(
        self,
        width: int = 1280,
        height: int = 1000,
        language: str = "en-US",
        time_zone: str = "Australia/Sydney",
    ) -> None:
        self._profile = tempfile.TemporaryDirectory()
        self._time_zone = time_zone
        """The browser's zone (the simulated property's): the frontend draws days in it."""
        self._size = f"--window-size={width},{height}"
        self._language = language
        """The browser's language: the frontend speaks it when the user has chosen none."""
        self._process: asyncio.subprocess.Process | None = None
        self._ids = itertools.count(1)

    async def __aenter__(self) -> Browser:
        self._process = await asyncio.create_subprocess_exec(
            "chromium",
            *CHROMIUM_FLAGS,
            self._size,
            f"--lang={self._language}",
            f"--accept-lang={self._language}",
            f"--user-data-dir={self._profile.name}",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, "TZ": self._time_zone},
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, signal.SIGTERM)
            await asyncio.wait_for(self._process.wait(), 10)
        self._profile.cleanup()

    async def _devtools_port(self) -> int:
        port_file = Path(self._profile.name) / "DevToolsActivePort"
        for _ in range(100):
            text = await asyncio.to_thread(_read, port_file)
            if text:
                return int(text.split()[0])
            await asyncio.sleep(0.1)
        raise RuntimeError("Chromium did not start its DevTools endpoint")

    async def screenshot(
        self,
        url: str,
        target: Path,
        settle: float = 4.0,
        max_wait: float = 90.0,
        click: str | list[str] | None = None,
    ) -> str:
        """Open `url`, wait until the frontend has replaced its launch screen (and, with
        `click`, press the button that says it, or each in turn), save a PNG; returns the text
        the page shows (shadow DOM included)."""
        port = await self._devtools_port()
        async with aiohttp.ClientSession() as session:
            async with session.put(f"http://127.0.0.1:{port}/json/new?about:blank") as response:
                page = await response.json()
            async with session.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                await self._call(ws, "Page.enable")
                await self._call(ws, "Page.navigate", {"url": url})
                await self._wait_for_frontend(ws, max_wait)
                await asyncio.sleep(settle)  # cards and charts draw after the launch screen
                for label in [click] if isinstance(click, str) else click or []:
                    expression = CLICK.replace("LABEL", json.dumps(label))
                    await self._call(ws, "Runtime.evaluate", {"expression": expression})
                    await asyncio.sleep(settle)
                shot = await self._call(ws, "Page.captureScreenshot", {"format": "png"})
                text = await self._call(
                    ws, "Runtime.evaluate", {"expression": PAGE_TEXT, "returnByValue": True}
                )
            async with session.get(f"http://127.0.0.1:{port}/json/close/{page['id']}"):
                pass
        await asyncio.to_thread(_write, target, base64.b64decode(shot["data"]))
        return str(text.get("result", {}).get("value") or "")

    async def _wait_for_frontend(
        self, ws: aiohttp.ClientWebSocketResponse, max_wait: float
    ) -> None:
        deadline = asyncio.get_running_loop().time() + max_wait
        probe = (
            "document.readyState === 'complete' && !document.getElementById('ha-launch-screen')"
            " && location.pathname"
        )
        while asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(1)
            try:
                answer = await self._call(
                    ws, "Runtime.evaluate", {"expression": probe, "returnByValue": True}
                )
            except PageNavigatedError:
                continue  # the frontend redirects after its login: ask the new page
            path = answer.get("result", {}).get("value")
            if isinstance(path, str) and path.startswith("/auth/"):
                raise RuntimeError("The frontend did not log in: it shows its login page")
            if isinstance(path, str):
                return
        raise RuntimeError("The Home Assistant frontend did not finish loading")

    async def _call(
        self, ws: aiohttp.ClientWebSocketResponse, method: str, params: dict[str, Any] | None = None
    ) -> Any:
        call_id = next(self._ids)
        await ws.send_json({"id": call_id, "method": method, "params": params or {}})
        while True:
            message = await ws.receive_json()
            if message.get("id") == call_id:
                if "error" in message:
                    if "navigated" in str(message["error"]):
                        raise PageNavigatedError(method)
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})


def _read(path: Path) -> str:
    return path.read_text().strip() if path.exists() else ""


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
