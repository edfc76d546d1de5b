"""Lines a test wants in the run's final summary (printed by tests/conftest.py's pytest_terminal_summary)."""

SUMMARY: list[str] = []
