"""The demo as a project of a workspace: Nanjing 新街口 (© OpenStreetMap contributors, ODbL).

The embedded demo (:mod:`gridmap.demo`) — communities, residential buildings, 党群服务中心, three
disagreeing zone layers and the OSM street file — is imported through the same workspace API as
any office's data, so it is validated and audited like them, and the app opens on it with no
set-up (:func:`gridmap.workspace.connect.default_workspace`).
"""

from __future__ import annotations

from gridmap.workspace.model import Project
from gridmap.workspace.workspace import WorkspaceSession

__all__ = ["import_demo", "DEMO_PROJECT", "DEMO_TITLE"]

#: The demo project's name.
DEMO_PROJECT = "demo"
#: Its title.
DEMO_TITLE = "南京新街口（演示） Nanjing Xinjiekou demo"


def import_demo(session: WorkspaceSession, project: str = DEMO_PROJECT) -> Project:
    """Import the demo's layers and OSM file into ``project`` (created when missing; admins only)."""
    from gridmap.demo import DEMO_OSM, ZONE_LAYERS, load_demo

    demo = load_demo()
    layers = {"study_area": demo["study_area"], **{layer: demo[layer] for layer in ZONE_LAYERS.values()},
              "residents": demo["residents"], "centers": demo["centers"]}
    if "districts" in demo:
        layers["districts"] = demo["districts"]
    return session.import_inputs(project, layers, DEMO_OSM, title=DEMO_TITLE)
