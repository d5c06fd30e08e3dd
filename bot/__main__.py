"""``python -m bot`` is the ``steward`` command."""

import sys

from bot.cli import main

sys.exit(main())
