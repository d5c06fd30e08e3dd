"""The platform-neutral core: commands, messages, events, invocations, clock, permissions."""
