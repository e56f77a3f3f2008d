"""``python -m ch01_wsgi_async.booking``: the whole system (see system.py)."""

import sys

from ch01_wsgi_async.booking.system import main

sys.exit(main())
