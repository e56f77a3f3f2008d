"""``python -m ch04_jeeves.jeeves serve --dev`` is the ``jeeves`` command without installing it."""

import sys

from .cli import main

sys.exit(main())
