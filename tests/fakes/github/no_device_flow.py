"""The device-flow part of a GitHubPort test double that has no OAuth app configured."""

from __future__ import annotations

from bot.core.github_port import DeviceCode, DevicePoll


class NoDeviceFlow:
    """Mixed into GitHubPort doubles; the device flow itself is tested against the fake GitHub."""

    def device_flow_enabled(self) -> bool:
        return False

    async def start_device_flow(self) -> DeviceCode:
        raise NotImplementedError("no OAuth app in this double")

    async def poll_device_flow(self, device_code: str) -> DevicePoll:
        raise NotImplementedError("no OAuth app in this double")
