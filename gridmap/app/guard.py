"""Run a core computation for a page; on failure say what went wrong in the page's language and
stop the page (a message, not a traceback)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from gridmap.app.i18n import t

__all__ = ["compute"]

T = TypeVar("T")


def compute(lang: str, fn: Callable[..., T], *args) -> T:
    """``fn(*args)`` under a spinner; an exception becomes an error message and stops the page."""
    try:
        with st.spinner(t("computing", lang)):
            return fn(*args)
    except Exception as exc:  # noqa: BLE001 - shown to the user; the page cannot go on
        st.error(t("analysis_failed", lang, error=f"{type(exc).__name__}: {exc}"))
        st.stop()
        raise  # unreachable: st.stop() raises
