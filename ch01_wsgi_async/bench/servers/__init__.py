"""Servers that only ``workbook bench`` runs: support code, not examples.

Each one imports a chapter-1 application unchanged and serves it differently
(another server, another socket option, no monkey-patching), so a benchmark
pair differs in exactly one thing. They follow the examples' run contract
(``PORT`` from the environment, "Serving on ..." printed, Ctrl-C or SIGTERM
stops them) so the harness can start and stop them like any example.
"""
