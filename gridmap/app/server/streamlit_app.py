"""The script Streamlit runs for ``gridmap serve`` (and ``bash scripts/app.sh``).

It sits alone in its folder on purpose: Streamlit puts the script's folder on ``sys.path`` and
serves ``./static`` beside it at ``/app/static`` (the offline map assets in ``static/vendor``), so
nothing else here can shadow an installed module. Everything it draws comes from
:func:`gridmap.app.main.run`.
"""

from gridmap.app.main import run

run()
