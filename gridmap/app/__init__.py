"""Page modules of the Streamlit app (faces floor: the only place besides app.py that imports
streamlit). Pages show what the gridmap package computes and keep no analysis logic.

Each page is a module here with ``KEY`` (its id: the ``?page=`` URL parameter and the i18n key
``page_<KEY>`` of its title) and ``render(ctx: PageContext)``. :data:`PAGE_MODULES` lists them in
sidebar order: adding a page is one module plus one line here.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["PAGE_MODULES", "load_pages"]

#: Page modules in sidebar order (the first is the landing page).
PAGE_MODULES: tuple[str, ...] = (
    "gridmap.app.data_overview",  # 数据 Data
    "gridmap.app.overview",  # 总览 Overview
    "gridmap.app.city_page",  # 全市 City
    "gridmap.app.coverage_page",  # 覆盖 Coverage
    "gridmap.app.access_page",  # 可达 Access
    "gridmap.app.grid_page",  # 网格 Unified grid
    "gridmap.app.siting_page",  # 选址 Siting
    "gridmap.app.export_page",  # 导出 Export
)


def load_pages(modules: tuple[str, ...] = PAGE_MODULES) -> dict[str, ModuleType]:
    """``{KEY: module}`` of the page modules, in order; a duplicate key is an error."""
    pages: dict[str, ModuleType] = {}
    for name in modules:
        mod = importlib.import_module(name)
        key = mod.KEY
        if key in pages:
            # contract: valid use never gets here; English on purpose (not a user's message)
            raise ValueError(f"two pages share the key {key!r}: {pages[key].__name__} and {name}")
        if not callable(getattr(mod, "render", None)):
            # contract: valid use never gets here; English on purpose (not a user's message)
            raise TypeError(f"page module {name} has no render(ctx) function")
        pages[key] = mod
    return pages
