"""Browser tests: Playwright with Debian's chromium against real Jupyter servers (labserver.py)."""
