"""GitHub's OAuth device flow, used only to learn which login a person controls.

Docs: "Authorizing OAuth apps -> Device flow". No scopes are requested (reading ``/user`` needs
none); the access token is used for that single request and then dropped, never stored or logged.
Blocking ``requests`` calls run on a worker thread, off the event loop.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import requests

from bot.core.github_port import DeviceCode, DevicePoll
from bot.github.client import USER_AGENT, GitHubError, GitHubUnavailable

log = logging.getLogger(__name__)

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code"
SLOW_DOWN_EXTRA = 5  # seconds GitHub adds to the interval on each slow_down
# Errors that mean "keep waiting" or a final answer; anything else is a misconfiguration.
_FINAL = {"access_denied": "denied", "expired_token": "expired", "incorrect_device_code": "expired"}


class DeviceFlowClient:
    """Starts and polls device flows for one OAuth app (client id) against one GitHub host."""

    def __init__(self, client_id: str, oauth_base_url: str, api_url: str, timeout: float = 15.0) -> None:
        self.client_id = client_id
        self.oauth_base_url = oauth_base_url.rstrip("/")
        self.api_url = api_url.rstrip("/")
        self.timeout = timeout
        self._http = requests.Session()
        self._http.headers.update({"Accept": "application/json", "User-Agent": USER_AGENT})

    async def start(self) -> DeviceCode:
        """``POST /login/device/code``: a fresh user code for the person to enter on GitHub."""
        data = await asyncio.to_thread(
            self._post, "/login/device/code", {"client_id": self.client_id, "scope": ""}
        )
        if "error" in data:
            raise GitHubError(400, f"device flow refused: {data.get('error')}")
        return DeviceCode(
            device_code=str(data["device_code"]),
            user_code=str(data["user_code"]),
            verification_uri=str(data["verification_uri"]),
            expires_in=int(data.get("expires_in") or 900),
            interval=int(data.get("interval") or 5),
        )

    async def poll(self, device_code: str) -> DevicePoll:
        """``POST /login/oauth/access_token`` once; on success read the login and forget the token."""
        return await asyncio.to_thread(self._poll, device_code)

    def _poll(self, device_code: str) -> DevicePoll:
        payload = {"client_id": self.client_id, "device_code": device_code, "grant_type": GRANT_TYPE}
        data = self._post("/login/oauth/access_token", payload)
        error = data.get("error")
        if error == "authorization_pending":
            return DevicePoll("pending")
        if error == "slow_down":
            return DevicePoll("slow_down", interval=int(data.get("interval") or 0) or None)
        if error in _FINAL:
            return DevicePoll(_FINAL[error])
        if error is not None or "access_token" not in data:
            raise GitHubError(400, f"device flow failed: {error or 'no access_token in the answer'}")
        token = str(data["access_token"])
        try:
            login = self._login(token)
        finally:
            del token  # never kept: the link only needs the login
        return DevicePoll("approved", login=login)

    def _login(self, token: str) -> str:
        try:
            resp = self._http.get(
                f"{self.api_url}/user",
                headers={"Authorization": f"Bearer {token}", "X-GitHub-Api-Version": "2022-11-28"},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise GitHubUnavailable(0, str(exc)) from None
        if resp.status_code != 200:
            raise GitHubError(resp.status_code, "GET /user with the device-flow token failed")
        return str(resp.json()["login"])

    def _post(self, path: str, form: dict[str, str]) -> dict[str, Any]:
        try:
            resp = self._http.post(f"{self.oauth_base_url}{path}", data=form, timeout=self.timeout)
        except requests.RequestException as exc:
            raise GitHubUnavailable(0, str(exc)) from None
        if resp.status_code >= 500:
            raise GitHubUnavailable(resp.status_code, f"POST {path}")
        try:
            data = resp.json()
        except ValueError:
            raise GitHubError(resp.status_code, f"POST {path}: not JSON") from None
        if not isinstance(data, dict):
            raise GitHubError(resp.status_code, f"POST {path}: unexpected answer")
        if resp.status_code >= 400 and "error" not in data:
            raise GitHubError(resp.status_code, str(data.get("message") or f"POST {path}"))
        return data

    def close(self) -> None:
        self._http.close()
