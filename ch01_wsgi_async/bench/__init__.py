"""Chapter 1's claims measured: its services side by side, honestly (``workbook bench``).

    workbook bench                 # about 2 minutes: every service, the ceilings, the pairs
    workbook bench --quick         # under 30 s: the services and the ceilings, short runs
    workbook bench --only time_wsgi,time_aiohttp --quick
    workbook bench --compare results/bench-OLD.json     # run, then print new/old ratios
    workbook bench --compare OLD.json --against NEW.json  # only compare two files
    workbook bench --quick --json  # one JSON document on stdout, nothing else (scripts)

What is measured, one server under load at a time (every server is started
once, pinned to its own CPU, and stopped at the end; idle servers wait):

- throughput: GET / on a fixed number of keep-alive connections, with ``wrk``
  when installed (else the built-in asyncio client): requests/s, p50/p99,
  errors; plus start-up time and RSS (from /proc) after the load. Every row is
  also a ratio to the generator's ceiling: the fastest of nginx (when
  installed) and a raw ``asyncio.Protocol`` responder, measured the same way.
- concurrency: N simultaneous GET /slow (100 ms each) against the theoretical
  limit: 0.1 s for an async server (or a thread per connection), N / workers
  x 0.1 s for a pool, N x 0.1 s for a one-at-a-time server.
- burst: N new connections at once on GET / (the listen-backlog lesson).
- naive-versus-tuned pairs, each measured in the same run.

Each measurement runs ``--rounds`` times (3 by default) in a rotated order and
is reported as median (min-max). Results go to ``results/`` as JSON, Markdown
and a PNG plot; the report ends with chapter 1's claims, checked on the run.

The package, by job: ``subjects`` (what is measured; ``servers/`` holds the
variants), ``load`` (the load generators), ``run`` (start, measure, stop),
``report`` (Markdown, plot, comparison), ``__main__`` (the command, also
``python -m ch01_wsgi_async.bench``). See ch01_wsgi_async/BENCHMARKS.md.
"""
