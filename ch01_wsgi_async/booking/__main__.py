"""The whole booking system with one command (the code is in system.py).

Run it:   python -m ch01_wsgi_async.booking             (the UI on PORT=8050, the others on free ports)
          python -m ch01_wsgi_async.booking --monolith  (the monolith on PORT=8059, bank and mail)
Expect:   every URL, a ready-to-paste curl for a booking; Ctrl-C or SIGTERM stops them all.
"""

from ch01_wsgi_async.booking import exit_now
from ch01_wsgi_async.booking.system import main

if __name__ == "__main__":
    exit_now(main())
