"""python -m kpis — see kpis/cli.py."""

import sys

from kpis.cli import main

sys.exit(main())
