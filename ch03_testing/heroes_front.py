"""The front of a two-service system: a Quart service that calls the heroes API over HTTP.

What it shows: a service whose dependency's base URL comes from configuration
(``HEROES_API_URL``), one shared ``httpx.AsyncClient`` opened and closed with
the app (``before_serving`` / ``after_serving``), and a clear 502 or 504 when
the dependency is down, slow, or sends a format we do not understand.

Run it:   python ch03_testing/heroes_api.py          (terminal 1, port 8210)
          python ch03_testing/heroes_front.py        (terminal 2, PORT=8220 by default;
                                                      HEROES_API_URL=http://127.0.0.1:8210)
Ask it:   curl -i 'http://127.0.0.1:8220/heroes?over=30'
Expect:   200 {"over": 30, "heroes": ["Madame Uppercut", "Eternal Flame"]}
          /heroes?over=old -> 400 {"error": "over must be a whole number"}
          heroes API stopped -> 502 {"error": "heroes API unreachable", ...}
"""

import os

import httpx
from quart import Quart, request

app = Quart(__name__)
app.config["HEROES_API_URL"] = os.environ.get("HEROES_API_URL", "http://127.0.0.1:8210")
app.config["HEROES_API_TIMEOUT"] = float(os.environ.get("HEROES_API_TIMEOUT", "5"))


@app.before_serving
async def open_client():
    app.heroes_client = httpx.AsyncClient(
        base_url=app.config["HEROES_API_URL"], timeout=app.config["HEROES_API_TIMEOUT"]
    )


@app.after_serving
async def close_client():
    await app.heroes_client.aclose()


@app.route("/")
async def index():
    return {"service": "heroes_front", "heroes_api": app.config["HEROES_API_URL"],
            "try": "/heroes?over=30"}


@app.route("/heroes")
async def heroes_over():
    over = request.args.get("over", "0")
    if not over.isdigit():
        return {"error": "over must be a whole number"}, 400
    over = int(over)
    try:
        response = await app.heroes_client.get("/superheroes.json")
        response.raise_for_status()
        members = response.json()["members"]
        names = [m["name"] for m in members if m.get("age", 0) > over]
    except httpx.TimeoutException:
        return {"error": "heroes API timed out"}, 504
    except httpx.HTTPStatusError as exc:
        return {"error": "heroes API failed", "status": exc.response.status_code}, 502
    except httpx.TransportError as exc:
        return {"error": "heroes API unreachable",
                "heroes_api": app.config["HEROES_API_URL"], "detail": str(exc)}, 502
    except (ValueError, KeyError, TypeError):
        # the contract broke: say so instead of answering "no heroes"
        return {"error": "heroes API sent an unexpected format"}, 502
    return {"over": over, "heroes": names}


@app.errorhandler(404)
async def not_found(error):
    return {"error": "not found: try /heroes?over=30"}, 404


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8220"))
    print(f"Serving on http://127.0.0.1:{port}/heroes?over=30 "
          f"(heroes API at {app.config['HEROES_API_URL']}; Ctrl-C to stop)", flush=True)
    app.run(host="127.0.0.1", port=port, use_reloader=False)
