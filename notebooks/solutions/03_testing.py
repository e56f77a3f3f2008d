# Solutions to the exercises in notebooks/03_testing.ipynb, for the instructor.
# Each "# %% exercise: NAME" block replaces the notebook cell tagged exercise:NAME
# (tests/test_notebooks.py runs the notebook with them and expects every check to PASS).

# %% exercise: real_test
async def test_not_found(app):
    client = app.test_client()
    response = await client.get("/nope")
    assert response.status_code == 404, response.status_code
    assert response.content_type == "application/json", response.content_type
    body = await response.get_json()
    assert "The requested URL was not found" in body["description"], body

# %% exercise: converter
from werkzeug.routing import BaseConverter, ValidationError

USERS = {"1": "Tarek", "2": "Freya"}
IDS = {name: user_id for user_id, name in USERS.items()}


class MyRegisteredUser(BaseConverter):
    def to_python(self, value):
        if value not in USERS:
            raise ValidationError()  # "this URL does not match": the router answers 404
        return USERS[value]

    def to_url(self, value):
        return IDS[value]
