"""Tokens from the Microsoft identity platform's token endpoint, standard
library only: the v1.0 form Partner Center's authentication page shows
(POST {authority}/{tenant}/oauth2/token with resource=...), for app-only
tokens (client credentials) and App+User tokens (a refresh token, the Secure
Application Model). The authority is https://login.microsoftonline.com or a
pcsim server's base URL: pcsim serves the same endpoint (docs/auth.md).

    answer = client_credentials(authority, tenant, client_id, secret)
    api = renewal_guard.PartnerCenter(base_url, token=answer["access_token"])
"""
import json
import urllib.error
import urllib.parse
import urllib.request

PARTNER_CENTER = "https://api.partnercenter.microsoft.com"
GRAPH = "https://graph.microsoft.com"


class TokenError(Exception):
    """The endpoint's refusal: the HTTP status, the identity platform's
    `error` and its first AADSTS code."""

    def __init__(self, status, error, code, description):
        super().__init__(f"{status} {error} AADSTS{code}: {description}")
        self.status = status
        self.error = error
        self.code = code
        self.description = description


def _post(authority, tenant, form):
    url = f"{authority.rstrip('/')}/{urllib.parse.quote(tenant, safe='')}/oauth2/token"
    data = urllib.parse.urlencode(form).encode("ascii")
    req = urllib.request.Request(url, data=data, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as err:
        text = err.read().decode("utf-8", "replace")
        try:
            body = json.loads(text)
        except ValueError:
            raise TokenError(err.code, "", 0, text) from None
        codes = body.get("error_codes") or [0]
        description = body.get("error_description", "").split("\r\n")[0]
        raise TokenError(err.code, body.get("error", ""), codes[0], description) from None


def client_credentials(authority, tenant, client_id, client_secret, resource=PARTNER_CENTER):
    """An app-only token: the endpoint's answer (access_token, expires_on, ...)."""
    return _post(authority, tenant, {"grant_type": "client_credentials", "client_id": client_id,
                                     "client_secret": client_secret, "resource": resource})


def refresh(authority, tenant, client_id, client_secret, refresh_token, resource=PARTNER_CENTER):
    """An App+User token from a refresh token: the answer, whose refresh_token
    replaces the one given."""
    return _post(authority, tenant, {"grant_type": "refresh_token", "client_id": client_id,
                                     "client_secret": client_secret, "resource": resource,
                                     "refresh_token": refresh_token})
