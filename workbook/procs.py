"""Old name of ``workbook.serving`` (kept only until every caller moves there)."""

from workbook.serving import (  # noqa: F401
    Served,
    ServerFailed,
    _default_sigint,
    child_env,
    example_env,
    free_port,
    port_is_open,
    python_command,
    run_script,
    running,
    start_example,
    start_process,
    stop_process,
    wait_until_answers,
)

Server = Served
start_server = start_example
