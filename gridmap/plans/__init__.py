"""Floor 3 — the unified grid and plans (多网合一): units, balanced grids, edits, checks, storage.

Holds :mod:`~gridmap.plans.units` (the atoms), :mod:`~gridmap.plans.grids` (balanced grids and
their codes), :mod:`~gridmap.plans.regions` (the compiled heuristic that cuts communities into
grids), :mod:`~gridmap.plans.plan` (edits with undo), :mod:`~gridmap.plans.checks`,
:mod:`~gridmap.plans.store` (atomic, revisioned plan files) and :mod:`~gridmap.plans.compare`.

May import: :mod:`gridmap.analysis`, :mod:`gridmap.access`, :mod:`gridmap.io` and the kernel
modules. Never presentation, scale or faces.
"""
