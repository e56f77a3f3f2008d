"""Search: the hotels of a city, from the service's own database, in two API versions.

``/v1`` sends a price as a number of euros; ``/v2`` changed it to an object
(``{"amount_cents": 12000, "currency": "EUR"}``): a backward-incompatible
change. Serving both lets old callers keep working while new ones move on.
``POST /_control {"v1_shape": "v2"}`` stands for deploying the change on
``/v1`` in place, which breaks the Booking UI (the compatibility pitfall).

Run it:   python -m ch01_wsgi_async.booking.search      (PORT=8052 by default)
Ask it:   curl -H "Authorization: Bearer $TOKEN" 'http://127.0.0.1:8052/v1/hotels?city=Paris'
Expect:   {"hotels": [{"id": "par-1", "name": "Hotel du Nord", "price": 120.0, "rooms": 3}, ...]}
          no token: 401; unknown hotel: 404; no city: 400.
"""

from quart import abort, request

from ch01_wsgi_async.booking import domain, kit

SCHEMA = """CREATE TABLE IF NOT EXISTS hotels (
    id TEXT PRIMARY KEY, name TEXT, city TEXT, rooms INTEGER, rate_cents INTEGER);"""

app = kit.service("search", choices={"v1_shape": ("v1", "v2")}, v1_shape="v1")


@app.before_serving
async def open_db():
    app.db = kit.database("search", SCHEMA)
    app.db.executemany("INSERT OR REPLACE INTO hotels VALUES (:id, :name, :city, :rooms, :rate_cents)",
                       domain.HOTELS)


def v1(row) -> dict:
    return {"id": row["id"], "name": row["name"], "city": row["city"],
            "price": row["rate_cents"] / 100, "rooms": row["rooms"]}


def v2(row) -> dict:
    return {"id": row["id"], "name": row["name"], "city": row["city"], "rooms": row["rooms"],
            "price": {"amount_cents": row["rate_cents"], "currency": "EUR"}}


def shape(version: str):
    if version == "v1" and app.config["CONTROL"]["v1_shape"] == "v2":
        return v2  # the incompatible change deployed without a new version
    return {"v1": v1, "v2": v2}[version]


@app.get("/<any(v1, v2):version>/hotels")
@kit.require_token
async def hotels(version):
    city = request.args.get("city", "").strip()
    if not city:
        abort(400, "give a city: /v1/hotels?city=Paris")
    rows = app.db.execute("SELECT * FROM hotels WHERE lower(city) = lower(?) ORDER BY id",
                          (city,)).fetchall()
    return {"city": city, "hotels": [shape(version)(r) for r in rows]}


@app.get("/<any(v1, v2):version>/hotels/<hotel_id>")
@kit.require_token
async def one_hotel(version, hotel_id):
    row = app.db.execute("SELECT * FROM hotels WHERE id = ?", (hotel_id,)).fetchone()
    if row is None:
        abort(404, f"unknown hotel {hotel_id!r}")
    return shape(version)(row)


if __name__ == "__main__":
    kit.serve(app, "search")
