"""The workbook's support package: the catalogue of examples, the runner CLI,
and the helpers the tests and notebooks share (free ports, starting and
stopping example processes, sending probes)."""
