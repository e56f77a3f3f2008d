"""ch02_quart.url_for: URLs built from endpoint names, and what the router makes of them."""

from ch02_quart import url_for, variables_and_converters


async def test_url_for_script_prints_urls_and_the_build_error(capsys):
    await url_for.main()
    out = capsys.readouterr().out
    assert "url_for('person_by_name', person_id='Alice')            -> /person/Alice" in out
    assert ("BuildError: Could not build url for endpoint 'person_by_name' with values "
            "['name']. Did you forget to specify values ['person_id']?") in out
    assert "-> /api/person/1" in out  # to_url: the name back to the id
    assert "-> /price/9.99" in out and "-> /files/a/b/c.txt" in out
    assert "-> /user/7?page=2" in out and "-> http://localhost/lang/zh" in out
    assert "ValueError: 'Carol' is not a registered user" in out


async def test_url_for_round_trips_through_the_router():
    """Every URL url_for builds is one the router sends back to the same view."""
    adapter = variables_and_converters.app.url_map.bind("localhost")
    cases = {"person_by_name": {"person_id": "Alice"}, "person_by_id": {"person_id": 42},
             "price": {"money": 9.99}, "files": {"subpath": "a/b"}, "language": {"lang": "zh"}}
    for endpoint, values in cases.items():
        assert adapter.match(adapter.build(endpoint, values)) == (endpoint, values)
