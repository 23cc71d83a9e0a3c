"""Single sign-on end to end against a small OpenID Connect provider started here.

The provider serves discovery, /authorize (redirects back with a code), /token (an
RS256 id_token signed with a key made for the test), /jwks and /userinfo on 127.0.0.1.
"""

import base64
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse

from kaa.models import AuditAction, AuditEvent

CLIENT_ID = "kaa-test"
CLIENT_SECRET = "hemligt-test"


def b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class Provider:
    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.claims = {}
        self.codes = {}
        self.token_requests = 0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, body, status=200):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urllib.parse.urlparse(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                if url.path == "/.well-known/openid-configuration":
                    return self._json(provider.discovery())
                if url.path == "/authorize":
                    code = f"code-{len(provider.codes)}"
                    provider.codes[code] = query.get("nonce")
                    target = f"{query['redirect_uri']}?{urllib.parse.urlencode({'code': code, 'state': query['state']})}"
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.end_headers()
                    return None
                if url.path == "/jwks":
                    numbers = provider.key.public_key().public_numbers()
                    return self._json(
                        {
                            "keys": [
                                {
                                    "kty": "RSA",
                                    "kid": "k1",
                                    "use": "sig",
                                    "alg": "RS256",
                                    "n": b64(numbers.n),
                                    "e": b64(numbers.e),
                                }
                            ]
                        }
                    )
                if url.path == "/userinfo":
                    return self._json(provider.claims)
                return self._json({"error": "not_found"}, 404)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                if (
                    self.path != "/token"
                    or form.get("client_secret") != CLIENT_SECRET
                    or form.get("code") not in provider.codes
                ):
                    return self._json({"error": "invalid_grant"}, 400)
                provider.token_requests += 1
                now = int(time.time())
                id_token = jwt.encode(
                    {
                        "iss": provider.url,
                        "aud": CLIENT_ID,
                        "sub": "abc-123",
                        "iat": now,
                        "exp": now + 300,
                        "nonce": provider.codes[form["code"]],
                        **provider.claims,
                    },
                    provider.key,
                    algorithm="RS256",
                    headers={"kid": "k1"},
                )
                return self._json(
                    {"access_token": "at-1", "token_type": "Bearer", "id_token": id_token}
                )

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def discovery(self):
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "jwks_uri": f"{self.url}/jwks",
            "userinfo_endpoint": f"{self.url}/userinfo",
        }


@pytest.fixture
def provider(settings):
    op = Provider()
    op.thread.start()
    # Configured as an installation would be, from the provider's discovery document.
    import requests

    discovery = requests.get(f"{op.url}/.well-known/openid-configuration", timeout=5).json()
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = discovery["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = discovery["token_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = discovery["jwks_uri"]
    settings.OIDC_OP_USER_ENDPOINT = discovery["userinfo_endpoint"]
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "kaa.oidc.KaaOIDCBackend",
    ]
    yield op
    op.server.shutdown()
    op.server.server_close()


def sign_in(client):
    """Follow the authorization code flow: KAA → provider → KAA callback."""
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302
    import requests

    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302
    callback = urllib.parse.urlparse(at_provider.headers["Location"])
    assert callback.path == reverse("oidc_authentication_callback")
    return client.get(f"{callback.path}?{callback.query}")


@pytest.mark.django_db
def test_login_by_email_round_trip(client, provider, coordinator):
    provider.claims = {"email": coordinator.email.upper(), "name": "Någon Annan"}
    response = sign_in(client)
    assert response.status_code == 302 and "logga-in" not in response["Location"]
    assert client.get(reverse("youths:list")).status_code == 200
    assert provider.token_requests == 1
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, user=coordinator).exists()
    coordinator.refresh_from_db()
    assert coordinator.first_name == "Samordnare"  # not overwritten by the provider


@pytest.mark.django_db
def test_login_by_employee_id_claim(client, provider, coordinator, settings):
    settings.OIDC_EMPLOYEE_ID_CLAIM = "employee_id"
    coordinator.employee_id = "E-4711"
    coordinator.save()
    provider.claims = {"email": "annan@example.invalid", "employee_id": "E-4711"}
    response = sign_in(client)
    assert response.status_code == 302 and "sso=fel" not in response["Location"]
    assert client.get(reverse("youths:list")).status_code == 200


@pytest.mark.django_db
def test_unknown_or_membershipless_user_is_not_created(client, provider, django_user_model):
    django_user_model.objects.create_user("utan", email="utan@example.invalid")
    for email in ("ny@example.invalid", "utan@example.invalid"):
        provider.claims = {"email": email}
        response = sign_in(client)
        assert response["Location"].endswith("?sso=fel")
    assert not django_user_model.objects.filter(email="ny@example.invalid").exists()
    page = client.get(response["Location"]).content.decode()
    assert "finns du inte som användare i KAA" in page


@pytest.mark.django_db
def test_off_by_default(client, settings):
    settings.OIDC_ENABLED = False
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert "Logga in med" not in client.get(reverse("login")).content.decode()
