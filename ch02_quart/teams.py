"""The ``teams`` blueprint used by blueprints.py: a namespace of related views.

``get_team`` answers an unknown id with a JSON 404 (the book's
``_TEAMS[team_id]`` raises ``KeyError``: a 500). The blueprint's own
``errorhandler(404)`` covers only errors raised in its views; a path that
matches no route at all is the app's business.
"""

from quart import Blueprint, abort

teams = Blueprint("teams", __name__)

_DEVS = ["Alice", "Bob"]
_OPS = ["Charles"]
_TEAMS = {1: _DEVS, 2: _OPS}


@teams.route("/teams")
async def get_all():
    # JSON object keys are strings: {1: [...]} is sent as {"1": [...]}
    return _TEAMS


@teams.route("/teams/<int:team_id>")
async def get_team(team_id):
    if team_id not in _TEAMS:
        abort(404, description=f"no team with id {team_id}; known: {sorted(_TEAMS)}")
    return _TEAMS[team_id]


@teams.errorhandler(404)
async def team_not_found(error):
    return {"error": "not found", "description": error.description}, 404
