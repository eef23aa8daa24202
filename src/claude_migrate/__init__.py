"""claude-migrate: find and fix Claude API calls that target retired or outdated models."""

__version__ = "0.1.0"
