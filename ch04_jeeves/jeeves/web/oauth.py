"""Sign in with Slack: the OAuth v2 authorization-code flow.

1. ``/login/slack`` makes a random ``state``, keeps it in the (signed) session
   and redirects to Slack's authorize page with the client id and our callback.
2. Slack sends the browser back to ``/login/slack/callback?code=...&state=...``.
   A missing or different ``state`` means the request did not start here (CSRF,
   or a replayed link): refused with 400.
3. The code is exchanged through ``oauth.v2.access`` with the client id and
   secret as HTTP Basic (the book put the secret in the query string, where
   proxies and logs keep it). The token is stored, never shown or logged.
4. Signed in already: the Slack account is linked to you; if you talked to the bot
   before, the user Jeeves made for your Slack id then is folded into yours (its
   logs move with it). Not signed in: you are signed in as the user already linked
   to that Slack account, if it is a real account (with an email).
"""

from __future__ import annotations

import base64
import hmac
import logging
import secrets
from urllib.parse import quote_plus, urlencode, urljoin

import aiohttp
from quart import Blueprint, current_app, redirect, request, session, url_for
from sqlalchemy import select
from werkzeug.exceptions import BadGateway, BadRequest, Conflict, Forbidden, HTTPException, NotFound

from ..accounts import fold_into, made_by_slack
from ..models import SlackToken, User
from .auth import login, sessions, signed_in_user
from .pages import html_error

bp = Blueprint("oauth", __name__, template_folder="templates")
bp.register_error_handler(HTTPException, html_error)
log = logging.getLogger("jeeves.web.oauth")
SCOPES = "app_mentions:read,chat:write,im:history"


def settings():
    return current_app.config["JEEVES"]


def authorize_url() -> str:
    s = settings()
    # Slack's authorize page lives beside its Web API: https://slack.com/oauth/v2/authorize.
    return s.slack_oauth_authorize_url or urljoin(s.slack_api_url, "/oauth/v2/authorize")


@bp.get("/login/slack")
async def start():
    s = settings()
    if not (s.slack_client_id and s.slack_client_secret):
        raise NotFound("Sign in with Slack is not configured (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET).")
    state = secrets.token_urlsafe(32)
    session["slack_oauth_state"] = state
    query = urlencode({"client_id": s.slack_client_id, "scope": SCOPES, "state": state,
                       "redirect_uri": url_for("oauth.callback", _external=True)})
    return redirect(f"{authorize_url()}?{query}")


@bp.get("/login/slack/callback")
async def callback():
    expected = session.pop("slack_oauth_state", None)
    state = request.args.get("state", "")
    # One use only (popped), and compared in constant time.
    if not expected or not hmac.compare_digest(expected.encode(), state.encode()):
        raise BadRequest("The sign-in did not start here (state missing or wrong); try again.")
    if request.args.get("error"):
        raise Forbidden(f"Slack did not authorise Jeeves: {request.args['error'][:100]}.")
    code = request.args.get("code")
    if not code:
        raise BadRequest("Slack sent no code.")
    answer = await exchange(code)
    slack_user = (answer.get("authed_user") or {}).get("id")
    token = answer.get("access_token") or (answer.get("authed_user") or {}).get("access_token")
    if not slack_user or not token:
        raise BadGateway("Slack's answer had no user or token.")
    me = await signed_in_user()
    async with sessions().begin() as db:
        holder = await db.scalar(select(User).where(User.slack_id == slack_user))
        if me is None:
            if holder is None or not holder.is_active or made_by_slack(holder):
                raise Forbidden("No Jeeves account is linked to this Slack account: sign in "
                                "with your email first, then link Slack from your profile.")
            user = holder
        else:
            user = await db.get(User, me.id)
            if holder is not None and holder.id != me.id:
                if not made_by_slack(holder):
                    raise Conflict("This Slack account is linked to another Jeeves user.")
                await fold_into(db, holder, user)
                log.info("user %s took over Slack-made user %s", user.id, holder.id)
            user.slack_id = slack_user
        link = await db.get(SlackToken, user.id) or SlackToken(user_id=user.id)
        link.access_token = token
        link.team_id = (answer.get("team") or {}).get("id") or ""
        link.scope = answer.get("scope") or ""
        db.add(link)
    log.info("user %s linked Slack account %s", user.id, slack_user)  # never the token
    login(user)
    return redirect(url_for("web.profile"))


def basic_auth(client_id: str, secret: str) -> str:
    """HTTP Basic, as RFC 6749 (2.3.1) asks: both parts form-encoded, then base64."""
    pair = f"{quote_plus(client_id)}:{quote_plus(secret)}"
    return "Basic " + base64.b64encode(pair.encode()).decode("ascii")


async def exchange(code: str) -> dict:
    """POST oauth.v2.access: the secret in the Authorization header, never in a URL."""
    s = settings()
    http: aiohttp.ClientSession = current_app.extensions["jeeves"].http
    url = urljoin(s.slack_api_url, "oauth.v2.access")
    try:
        async with http.post(url, data={"code": code,
                                        "redirect_uri": url_for("oauth.callback", _external=True)},
                             headers={"Authorization": basic_auth(s.slack_client_id,
                                                                  s.slack_client_secret)},
                             timeout=aiohttp.ClientTimeout(total=10)) as resp:
            answer = await resp.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        raise BadGateway(f"Could not reach Slack: {type(exc).__name__}.") from None
    if not isinstance(answer, dict) or not answer.get("ok"):
        error = answer.get("error") if isinstance(answer, dict) else "bad answer"
        raise Forbidden(f"Slack refused the sign-in: {error}.")
    return answer
