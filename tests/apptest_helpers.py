"""Helpers for the AppTest-driven app tests."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from gridmap.cli.serve import APP_SCRIPT

APP = str(APP_SCRIPT)


def open_app(page: str, lang: str | None = None, timeout: float = 180) -> AppTest:
    """Run the app on ``page`` with AppTest (switched to ``lang`` if given), checking no exception."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.query_params["page"] = page
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if lang:
        at.sidebar.radio(key="lang").set_value(lang).run()
        assert not at.exception, [e.value for e in at.exception]
    return at
