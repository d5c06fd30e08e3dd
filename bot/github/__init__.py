"""GitHub integration: the issue store (REST JSON -> tables); PyGithub client, sync and webhooks."""
