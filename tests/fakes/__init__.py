"""Loopback fakes of the platforms Steward talks to; real SDKs connect to them in every feature's tests."""
