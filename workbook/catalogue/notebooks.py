"""Which classroom notebook covers which catalogue examples.

``tests/test_notebooks.py`` holds this to account: a notebook listed here must
exist once its chapter has one, must list every example of its chapter, and
must actually name each example (its dotted module or its id) in its cells.
A chapter whose notebook file does not exist yet is simply not covered yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbook.catalogue import ROOT


@dataclass(frozen=True)
class Notebook:
    file: str  # relative to the workbook's root
    chapter: str  # "ch01"
    covers: tuple[str, ...]  # example ids, in the order the notebook walks them
    solutions: str = ""  # the instructor's solutions to its exercises

    @property
    def path(self):
        return ROOT / self.file

    @property
    def solutions_path(self):
        return ROOT / self.solutions if self.solutions else None


NOTEBOOKS: tuple[Notebook, ...] = (
    Notebook(
        file="notebooks/01_wsgi_async.ipynb",
        chapter="ch01",
        covers=("ch01.time_wsgi", "ch01.worker_pool_wsgi", "ch01.worker_pool_lesson",
                "ch01.greenlet_switch", "ch01.gevent_blocking_lesson", "ch01.time_gevent",
                "ch01.time_twisted", "ch01.callbacks_vs_await", "ch01.dis_generator",
                "ch01.time_tornado", "ch01.time_aiohttp", "ch01.aiopg_select",
                "ch01.aiopg_vs_psycopg3", "ch01.time_asgi", "ch01.time_quart",
                "ch01.gil_threads_vs_processes", "ch01.booking", "ch01.booking_monolith",
                "ch01.booking_pitfalls"),
        solutions="notebooks/solutions/01_wsgi_async.py",
    ),
    Notebook(
        file="notebooks/02_quart.ipynb",
        chapter="ch02",
        covers=("ch02.quart_basic", "ch02.quart_details", "ch02.variables_and_converters",
                "ch02.converter_custom", "ch02.url_for", "ch02.authorization",
                "ch02.response_types", "ch02.yamlify", "ch02.sync_views", "ch02.session", "ch02.globals",
                "ch02.signals", "ch02.middleware", "ch02.trusted_proxy", "ch02.extensions", "ch02.email_render",
                "ch02.template_view", "ch02.load_settings", "ch02.blueprints",
                "ch02.error_handler", "ch02.catch_all_errors", "ch02.myservice"),
        solutions="notebooks/solutions/02_quart.py",
    ),
    Notebook(
        file="notebooks/03_testing.ipynb",
        chapter="ch03",
        covers=("ch03.quart_error", "ch03.heroes_api", "ch03.superheroes", "ch03.people",
                "ch03.profiled", "ch03.heroes_front"),
        solutions="notebooks/solutions/03_testing.py",
    ),
    Notebook(
        file="notebooks/04_jeeves.ipynb",
        chapter="ch04",
        covers=("ch04.password_hash", "ch04.sqlalchemy_async", "ch04.slack_standin",
                "ch04.weather_standin", "ch04.jeeves", "ch04.forms_example",
                "ch04.logging_in", "ch04.oauth2", "ch04.background_tasks"),
        solutions="notebooks/solutions/04_jeeves.py",
    ),
)


def for_chapter(chapter: str) -> Notebook | None:
    for nb in NOTEBOOKS:
        if nb.chapter == chapter:
            return nb
    return None


def covering(example_id: str) -> Notebook | None:
    """The notebook that walks through an example, if any."""
    for nb in NOTEBOOKS:
        if example_id in nb.covers:
            return nb
    return None
