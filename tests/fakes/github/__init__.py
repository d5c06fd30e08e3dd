"""A loopback fake of GitHub's REST API for real PyGithub (see server.py)."""

from tests.fakes.github.server import FakeGitHub
from tests.fakes.github.state import FakeGitHubState

__all__ = ["FakeGitHub", "FakeGitHubState"]
