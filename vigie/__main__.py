"""``python -m vigie`` runs the command line."""

import sys

from vigie.cli import main

sys.exit(main())
