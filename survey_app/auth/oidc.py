"""Single sign-on through the province's OpenID Connect provider (Authlib), when configured.

The provider proves who signs in: the ID token (signature, issuer, audience, nonce checked by
Authlib; the code flow with PKCE) names them. Which account that is, and what it may do, is the
service's: an account is matched by the username claim, else by a verified e-mail address held
by exactly one active account, and its own role and unit apply; nothing the provider says grants
a role or a unit. SURVEY_OIDC_REQUIRED_GROUP, when set, is a further gate (the provider's group
of officials allowed to use the service), never a grant.
"""

from urllib.parse import urlencode

from flask import current_app

EXTENSION_KEY = "survey_oidc"
CLIENT_NAME = "province"


# Authlib and requests (some 40 MB with their cryptography) are imported once a deployment with a
# provider signs someone in, not by every web worker at start.
def unreachable() -> tuple[type[Exception], ...]:
    """The provider down or answering nonsense: its metadata, keys or token cannot be fetched."""
    import requests

    return (requests.RequestException, ValueError)


def refused() -> tuple[type[Exception], ...]:
    """unreachable(), or the provider's answer refused by Authlib (state, token, signature)."""
    from authlib.integrations.base_client import OAuthError

    return (OAuthError, *unreachable())


def configured() -> bool:
    return bool(current_app.config.get("SURVEY_OIDC_ISSUER"))


def provider_client():
    """The Authlib client of the configured provider; its metadata is fetched on first use."""
    config = current_app.config
    key = (config["SURVEY_OIDC_ISSUER"], config["SURVEY_OIDC_CLIENT_ID"])
    state = current_app.extensions.setdefault(EXTENSION_KEY, {})
    if state.get("key") != key:
        from authlib.integrations.flask_client import OAuth

        oauth = OAuth(current_app._get_current_object())
        oauth.register(
            CLIENT_NAME,
            client_id=config["SURVEY_OIDC_CLIENT_ID"],
            client_secret=config["SURVEY_OIDC_CLIENT_SECRET"],
            server_metadata_url=discovery_url(config["SURVEY_OIDC_ISSUER"]),
            client_kwargs={"scope": config["SURVEY_OIDC_SCOPES"], "code_challenge_method": "S256"},
        )
        state.update(key=key, client=oauth.create_client(CLIENT_NAME))
    return state["client"]


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def end_session_url(id_token: str, after: str) -> str | None:
    """The provider's end-session page for this sign-in, when the provider has one."""
    try:
        endpoint = provider_client().load_server_metadata().get("end_session_endpoint")
    except unreachable():
        return None  # signed out here all the same; the provider's page is not offered
    if not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": after,
            "client_id": current_app.config["SURVEY_OIDC_CLIENT_ID"],
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
