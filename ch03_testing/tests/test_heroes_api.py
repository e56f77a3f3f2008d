"""ch03_testing.heroes_api: the local stand-in for MDN's superheroes.json, served for real
on a loopback port in a thread (superheroes.py and heroes_front.py are tested against it).
"""

import pytest
import requests

from ch03_testing import heroes_api
from workbook.serving import serve_in_thread


@pytest.fixture
def heroes_url():
    with serve_in_thread(heroes_api.make_app(1)) as api:
        yield api.url + "/superheroes.json"


def test_stand_in_refuses_writes(heroes_url):
    response = requests.post(heroes_url, timeout=10)
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD"
    assert response.json()["message"] == "read-only: use GET"
