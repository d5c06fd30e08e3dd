"""Config as code: the community's YAML in its own GitHub repository, checked on PRs, applied on merge."""
