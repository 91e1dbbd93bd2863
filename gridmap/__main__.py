"""``python -m gridmap`` runs the ``gridmap`` command."""

import sys

from gridmap.cli import main

sys.exit(main())
