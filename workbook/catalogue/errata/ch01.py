"""Chapter 1's errata. The book publishes no chapter-1 samples, so each row was checked
against the notes (the 2nd edition as the learner copied it, ``seeds/001``) and the
1st edition's printed chapter 1 (``seeds/002``, in Chinese), which prints the same
listings without the 2nd edition notes' slips.

Proven by tests/ch01/test_errata.py, one reproduction per row.
"""

from workbook.catalogue.errata import Erratum

NOTES_WSGI = "notes, *The WSGI standard* (the 1st edition prints it right)"
NOTES_AIOPG = "notes, *Asynchronous Python*"
FIRST_EDITION = "the 1st edition, chapter 1 (`seeds/002`)"

ERRATA = [
    Erratum(
        id="wsgi_timetime",
        source="notes",
        where=NOTES_WSGI,
        code="`json.dumps({\"time\":timetime()})`",
        error="NameError: name 'timetime' is not defined",
        note="on every request; wsgiref answers `500 Internal Server Error`",
        fix="`time.time()`",
        why="a typo for the module's function",
    ),
    Erratum(
        id="wsgi_applications_json",
        source="notes",
        where=NOTES_WSGI,
        code="`('Content-type','applications/json')`",
        error="aiohttp.client_exceptions.ContentTypeError: 200, message='Attempt to decode JSON "
              "with unexpected mimetype: applications/json', url='http://127.0.0.1:.../'",
        note="in a client calling `response.json()`; the server itself says nothing",
        fix="`application/json`",
        why="the registered media type has no `s`",
    ),
    Erratum(
        id="wsgi_200_ok",
        source="notes",
        where=NOTES_WSGI,
        code="`start_response('200 ok', headers)`",
        error="HTTP/1.0 200 ok",
        note="the status line wsgiref sends: accepted (only the code is parsed), but not the "
             "standard reason phrase",
        fix="`'200 OK'`",
        why="keep the phrase every server and client writes",
    ),
    Erratum(
        id="wsgi_returns_bytes",
        source="book",
        where=FIRST_EDITION + ", its conventions page",
        code="`return bytes(json.dumps({'time': time.time()}), 'utf8')` (not in a list)",
        error="AssertionError: write() argument must be a bytes instance",
        note="in wsgiref's log; the client gets `500 Internal Server Error`",
        fix="return a list: `[body]`, as the chapter's own listing does",
        why="a WSGI app returns an *iterable of* bytes; iterating a bytes object yields ints",
    ),
    Erratum(
        id="aiohttp_application_lowercase",
        source="notes",
        where="notes, *Asynchronous Python* (the 1st edition prints `web.Application()`)",
        code="`app = web.application()`",
        error="AttributeError: module 'aiohttp.web' has no attribute 'application'",
        note="(the traceback adds `Did you mean: 'Application'?`)",
        fix="`web.Application()`",
        why="the class is capitalised",
    ),
    Erratum(
        id="aiopg_dsn_split",
        source="notes",
        where=NOTES_AIOPG,
        code="`dsn = \"dbname=postgres ... password=mysecretpassword` *newline* "
             "`host=127.0.0.1\"`",
        error="SyntaxError: unterminated string literal (detected at line 4)",
        fix="one line, or better: `DATABASE_URL` from the environment (`aiopg_select.py`)",
        why="a `\"...\"` string cannot span lines; and a password does not belong in code",
    ),
    Erratum(
        id="aiopg_excute",
        source="notes",
        where=NOTES_AIOPG + " (the 1st edition prints `execute`)",
        code="`await cur.excute(\"select 1 \")`",
        error="AttributeError: 'Cursor' object has no attribute 'excute'",
        note="(the traceback adds `Did you mean: 'execute'?`)",
        fix="`await cur.execute(\"SELECT 1\")`",
        why="a typo",
    ),
    Erratum(
        id="aiopg_pool_clear",
        source="book",
        where=NOTES_AIOPG + " (not in the 1st edition's listing)",
        code="`await pool.clear()` at the end",
        error="pool.closed: False",
        note="after `clear()`: the pool stays open; only idle connections were dropped",
        fix="`pool.close()` then `await pool.wait_closed()` (or `async with "
            "aiopg.create_pool(dsn) as pool:`)",
        why="`clear()` empties the pool, it does not shut it down",
    ),
    Erratum(
        id="get_event_loop_module_level",
        source="libraries",
        broke_in="Python 3.12 (deprecated); 3.14 raises `RuntimeError`",
        where=NOTES_AIOPG + " and " + FIRST_EDITION,
        code="`loop = asyncio.get_event_loop()` at module level + "
             "`loop.run_until_complete(go())`",
        error="DeprecationWarning: There is no current event loop",
        fix="`asyncio.run(go())` under `if __name__ == \"__main__\":`",
        why="`asyncio.run` creates, runs and closes the loop; module-level code also runs on "
            "import",
    ),
    Erratum(
        id="gevent_patch_on_import",
        source="book",
        where=FIRST_EDITION + ", *greenlet and gevent*",
        code="`from gevent import monkey; monkey.patch_all()` as a module's first line",
        error="gevent._socket3",
        note="`socket.socket.__module__` in whoever *imports* the module (a test, a notebook): "
             "their whole process is patched",
        fix="patch in the `__main__` block, first (`time_gevent.py`)",
        why="patching is process-wide",
    ),
    Erratum(
        id="dis_listing_python35",
        source="libraries",
        broke_in="Python 3.8 (`SETUP_LOOP` removed), 3.11 (`BINARY_ADD` became `BINARY_OP`)",
        where=FIRST_EDITION + ", *Language performance*",
        code="the `dis.dis(myfunc)` listing with `SETUP_LOOP`, `BINARY_ADD`, \"no fewer than 29 "
             "steps\"",
        error="SETUP_LOOP: False, BINARY_ADD: False",
        note="in today's listing (16 instructions on 3.11, 19 on 3.13)",
        fix="run `dis` yourself (`dis_generator.py`)",
        why="bytecode is an implementation detail that changes every release",
    ),
]
