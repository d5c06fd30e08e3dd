"""Loopback fakes of the platforms Steward talks to; real SDKs connect to them in every feature's tests."""

# Connections a fake holds while its loop is busy. A platform accepts a burst of them; aiohttp's default
# backlog (128) dropped SYNs, which the client retransmits only after a second.
LISTEN_BACKLOG = 1024
