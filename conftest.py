"""Root pytest configuration: the shared fixtures of :mod:`cms.testing`."""

pytest_plugins = ["cms.testing"]
