"""The classroom notebooks in a real JupyterLab, driven like an instructor does.

One JupyterLab server (``jupyter lab``, started with ``workbook.serving``: token
auth, 127.0.0.1, a free port, its root, settings, workspaces and runtime in a
temporary folder, no network extensions) serves copies of the notebooks, so
nothing is written into ``notebooks/``. Headless Chromium (Debian's, through
Playwright) opens every notebook in its own tab at once, clicks *Run → Run All
Cells*, waits until no cell is queued, saves, and checks both what the page
shows (no traceback, the plots and tables) and what the saved file holds (every
cell ran, no error output, the exercise checks say NOT YET, the last cell
stopped everything). The kernel is this interpreter (a kernel spec on
JUPYTER_PATH). A screenshot per notebook is taken; ``NOTEBOOK_SCREENSHOTS=1``
copies them into ``notebooks/screenshots/`` for ``notebooks/README.md``.

Marked ``jupyterlab`` and left out of the default run (it takes about a minute):
``.ci/run`` runs it as its own step (``pytest -m jupyterlab``). Skipped, saying
why, without Chromium or Playwright.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import signal
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from workbook import notebook as helpers
from workbook.catalogue import ROOT
from workbook.catalogue.notebooks import NOTEBOOKS
from workbook.serving import child_env, start_process, stop_process

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RUN_ALL_TIMEOUT = 240  # seconds for every notebook, all tabs at once, on a loaded two-core machine
PAGE_TIMEOUT = (
    240  # seconds for JupyterLab to load and start a kernel (about 5 s on an idle machine)
)
SCREENSHOTS = ROOT / "notebooks" / "screenshots"
PRESENT = [nb for nb in NOTEBOOKS if nb.path.is_file()]

# What each notebook must show on the page once it has run (CSS selectors in outputs).
KEY_OUTPUTS = {
    "01_wsgi_async": {"a plot": ".jp-OutputArea-output img"},
    "02_quart": {"a JSON answer": ".jp-OutputArea-output:has-text(\"{'Hello': 'World!'}\")"},
    "03_testing": {"a plot": ".jp-OutputArea-output img"},
    "04_jeeves": {"the Log table": ".jp-OutputArea-output table"},
}

playwright_api = pytest.importorskip(
    "playwright.async_api", reason="Playwright for Python is not installed (pip install playwright)"
)
pytestmark = [
    pytest.mark.jupyterlab,
    pytest.mark.slow,
    pytest.mark.timeout(
        RUN_ALL_TIMEOUT + 2 * PAGE_TIMEOUT
    ),  # plus JupyterLab's and Chromium's start-up
    pytest.mark.skipif(
        not os.access(CHROMIUM, os.X_OK),
        reason=f"no Chromium at {CHROMIUM} (Debian: apt-get install -y chromium)",
    ),
]


def lab_settings(settings: Path) -> None:
    """User settings: every cell in the DOM, no autosave, no news or update checks."""
    for plugin, values in {
        "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
        "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
        "@jupyterlab/apputils-extension/notification": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
    }.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """One JupyterLab for all notebooks; yields (base URL, token, root, pid log)."""
    tmp = tmp_path_factory.mktemp("jupyterlab")
    root, config, pid_log = tmp / "root", tmp / "config", tmp / "pids.txt"
    root.mkdir()
    for nb in PRESENT:
        shutil.copyfile(nb.path, root / nb.path.name)
    kernel = tmp / "jupyter" / "kernels" / "python3"
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (workbook)",
                "language": "python",
            }
        )
    )
    config.mkdir()
    # No language servers and no terminals: nothing the notebooks need, less to start.
    (config / "jupyter_server_config.json").write_text(
        json.dumps(
            {
                "ServerApp": {
                    "jpserver_extensions": {"jupyter_lsp": False, "jupyter_server_terminals": False}
                }
            }
        )
    )
    lab_settings(tmp / "settings")
    token = secrets.token_hex(24)
    env = child_env(
        {
            "JUPYTER_PATH": str(tmp / "jupyter"),  # first in the search path: our python3 kernel
            "JUPYTER_CONFIG_DIR": str(config),
            "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
            "JUPYTER_TOKEN": token,
            helpers.PID_LOG_ENV: str(pid_log),
            "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        }
    )
    argv = [
        "bash",
        "-c",
        'exec "$0" -m jupyter lab --ServerApp.port="$PORT" "$@"',
        sys.executable,
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={tmp / 'settings'}",
        f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
        "--LabApp.extension_manager=readonly",
    ]  # no extension search on PyPI
    if os.geteuid() == 0:
        argv.append("--allow-root")  # CI runs as root, in a throwaway machine
    lab = start_process(argv, name="jupyterlab", env=env, ready_path="/api", timeout=180)
    try:
        yield lab.url, token, root, pid_log
    finally:
        # SIGTERM: Jupyter's clean stop (it shuts its kernels down); SIGINT would ask y/n.
        stop_process(lab.process, grace=10, first=signal.SIGTERM)
        lab.stop()


def api(url: str, token: str, path: str):
    request = urllib.request.Request(url + path, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


async def kernel_started(page, url: str, token: str, name: str) -> None:
    """Poll until the server has an idle kernel for this notebook.

    On a loaded machine JupyterLab sometimes asks which kernel to start (its
    kernel specs arrived late); the dialog preselects ours, so accept it.
    """
    deadline = time.monotonic() + PAGE_TIMEOUT
    while time.monotonic() < deadline:
        dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
        if await dialog.count():
            await dialog.locator(".jp-mod-accept").click()
        sessions = await asyncio.to_thread(api, url, token, "/api/sessions")
        if any(
            s["path"] == name and (s.get("kernel") or {}).get("execution_state") == "idle"
            for s in sessions
        ):
            return
        await asyncio.sleep(0.25)  # polling interval, not synchronisation: we re-ask the server
    raise TimeoutError(f"no idle kernel for {name} within {PAGE_TIMEOUT} s")


# True once the run has started (a prompt is no longer "[ ]") and nothing is queued ("[*]").
FINISHED = """() => {
  const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
    .map(p => p.textContent.trim());
  return prompts.length > 0 && prompts.some(p => /\\[\\d+\\]/.test(p))
    && !prompts.some(p => p.includes('*'));
}"""


async def run_in_tab(
    context, url: str, token: str, name: str, shots: Path, loading: asyncio.Lock
) -> dict:
    page = await context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT * 1000)
    stem = Path(name).stem
    try:
        return await run_all_cells(page, url, token, name, shots, loading)
    except Exception:
        await page.screenshot(path=str(shots.parent / f"{stem}-failed.png"))  # what went wrong
        raise


async def run_all_cells(
    page, url: str, token: str, name: str, shots: Path, loading: asyncio.Lock
) -> dict:
    stem = Path(name).stem
    async with loading:  # one tab loads JupyterLab at a time; the kernels then run together
        # Not "load": JupyterLab keeps fetching after the document is there.
        await page.goto(
            f"{url}/lab/workspaces/{stem}/tree/{name}?reset&token={token}",
            wait_until="domcontentloaded",
        )
        await page.wait_for_selector(".jp-Notebook .jp-CodeCell")
        await kernel_started(page, url, token, name)
        # The page is connected to it when the toolbar's indicator says idle; then Run All.
        await page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']")
        started = time.monotonic()
        await page.click(".lm-MenuBar-itemLabel:text-is('Run')")
        await page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
    await page.wait_for_function(FINISHED, timeout=RUN_ALL_TIMEOUT * 1000, polling=250)
    await page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']")
    took = time.monotonic() - started
    # A cell that raised shows IPython's traceback, which names the cell ("Cell In[12], line 3");
    # a server's log line "Traceback ..." on stderr (a deliberate 500) is not a failed cell.
    tracebacks = await page.locator(".jp-OutputArea-output", has_text="Cell In[").count()
    shown = {
        what: await page.locator(selector).count() for what, selector in KEY_OUTPUTS[stem].items()
    }
    # The screenshot shows the chapter's key output, scrolled into view.
    first_key = page.locator(next(iter(KEY_OUTPUTS[stem].values()))).first
    if await first_key.count():
        await first_key.scroll_into_view_if_needed()
    await page.screenshot(path=str(shots / f"{stem}.png"))
    await page.keyboard.press("Control+s")  # save, so the file shows what ran
    await page.wait_for_selector(".jp-mod-dirty", state="detached")
    await page.close()
    return {"took": took, "tracebacks": tracebacks, "shown": shown}


def assert_all_stopped(pid_log: Path) -> None:
    alive = []
    for pid in (int(p) for p in pid_log.read_text().split()) if pid_log.exists() else ():
        status = Path(f"/proc/{pid}/status")
        if status.exists() and "zombie" not in status.read_text():
            alive.append(pid)
    assert alive == [], f"processes left running by the notebooks: {alive}"


async def test_every_notebook_runs_all_cells_in_jupyterlab(jupyterlab, tmp_path):
    url, token, root, pid_log = jupyterlab
    (spec,) = api(url, token, "/api/kernelspecs")["kernelspecs"].values()
    assert spec["spec"]["argv"][0] == sys.executable, "the kernel is this interpreter"
    shots = tmp_path / "screenshots"
    shots.mkdir()
    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            context = await browser.new_context(viewport={"width": 1280, "height": 860})
            loading = asyncio.Lock()
            results = await asyncio.gather(
                *(run_in_tab(context, url, token, nb.path.name, shots, loading) for nb in PRESENT)
            )
        finally:
            await browser.close()
    for nb, result in zip(PRESENT, results, strict=True):
        stem = nb.path.stem
        assert result["tracebacks"] == 0, f"{stem} shows a cell's traceback"
        missing = [what for what, count in result["shown"].items() if count == 0]
        assert missing == [], f"{stem} does not show {missing}"
        saved = nbformat.read(root / nb.path.name, as_version=4)
        code = [c for c in saved.cells if c.cell_type == "code"]
        assert all(c.execution_count for c in code), f"{stem}: not every cell ran"
        errors = [o.ename for c in code for o in c.outputs if o.output_type == "error"]
        assert errors == [], f"{stem}: cells raised {errors}"
        checks = [
            c for c in code if any(t.startswith("check:") for t in c.metadata.get("tags", []))
        ]
        stdout = ["".join(o.text for o in c.outputs if o.output_type == "stream") for c in checks]
        assert checks and all(f"{helpers.NOT_YET}:" in text for text in stdout), stem
        last = "".join(o.get("text", "") for o in code[-1].outputs)
        assert "stopped" in last, f"{stem}: the last cell stops every server"
        print(f"{stem}: Run All took {result['took']:.1f} s in JupyterLab")
    # Shut the kernels down as closing JupyterLab would: every process they started stops.
    for kernel in api(url, token, "/api/kernels"):
        request = urllib.request.Request(
            f"{url}/api/kernels/{kernel['id']}",
            method="DELETE",
            headers={"Authorization": f"token {token}"},
        )
        urllib.request.urlopen(request, timeout=30).close()
    assert_all_stopped(pid_log)
    taken = sorted(p.name for p in shots.iterdir())
    assert taken == sorted(f"{nb.path.stem}.png" for nb in PRESENT)
    assert all((shots / name).stat().st_size > 20_000 for name in taken)
    if os.environ.get("NOTEBOOK_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(exist_ok=True)
        for name in taken:
            shutil.copyfile(shots / name, SCREENSHOTS / name)
