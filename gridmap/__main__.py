"""``python -m gridmap`` runs the ``gridmap`` command."""

import sys

from gridmap.cli import main

if __name__ == "__main__":  # worker processes started with "spawn" import this module again
    sys.exit(main())
