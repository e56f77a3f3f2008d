"""ch02_quart.blueprints (+ teams): one blueprint, registered twice, with its own 404."""

import pytest

from ch02_quart import blueprints


@pytest.mark.parametrize("prefix", ["", "/v2"])
async def test_teams(prefix):
    client = blueprints.app.test_client()
    response = await client.get(f"{prefix}/teams")
    assert await response.get_json() == {"1": ["Alice", "Bob"], "2": ["Charles"]}
    assert await (await client.get(f"{prefix}/teams/1")).get_json() == ["Alice", "Bob"]
    assert await (await client.get(f"{prefix}/teams/2")).get_json() == ["Charles"]


@pytest.mark.parametrize("path", ["/teams/9", "/teams/0", "/v2/teams/3"])
async def test_unknown_team_is_a_json_404(path):
    response = await blueprints.app.test_client().get(path)
    assert response.status_code == 404
    assert response.content_type == "application/json"
    body = await response.get_json()
    assert body["error"] == "not found"
    assert body["description"].startswith("no team with id ")


async def test_routing_404s_are_not_the_blueprints():
    # The blueprint's handler covers its views only: an unmatched URL gets Quart's HTML page.
    client = blueprints.app.test_client()
    for path in ("/teams/abc", "/nope"):
        response = await client.get(path)
        assert response.status_code == 404
        assert response.content_type.startswith("text/html")


def test_blueprint_registered_twice_under_two_names():
    endpoints = {rule.endpoint: rule.rule for rule in blueprints.app.url_map.iter_rules()}
    assert endpoints["teams.get_team"] == "/teams/<int:team_id>"
    assert endpoints["v2.get_team"] == "/v2/teams/<int:team_id>"
