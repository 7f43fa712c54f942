"""The auth server as an OpenID Connect provider, driven by an independent client library:
Authlib (PyPI) configured with the discovery URL, a client id and a secret only, signs people
in through headless Chromium (password and authenticator app; the "Sign in with your phone"
page with the code read from the emulator), validates each ID token itself, calls userinfo,
introspects and revokes. A small HTTP server stands in for the application's callback.

On PostgreSQL (AUTH_TEST_DATABASE_URL) two replicas agree: a token logged out at one is
inactive at the other's introspection within a second.
"""
import http.server
import subprocess
import threading
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest
import requests
from authlib.integrations.base_client import BaseApp, FrameworkIntegration, OAuth2Mixin, OpenIDMixin
from authlib.integrations.requests_client import OAuth2Session
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import Emulator, auth_binary, free_port, start_auth_server, stop_stack
from test_replicas import Replicas, cluster_url, fresh_database, refused_within
from test_web_browser import fill, wait_path

PASSWORD = "correct-horse-battery"


class RelyingParty(OAuth2Mixin, OpenIDMixin, BaseApp):
    """Authlib's OpenID Connect client as its Flask and Django integrations assemble it, on
    `requests`: discovery, PKCE, the token request and the ID token's validation are Authlib's."""
    client_cls = OAuth2Session


class Callback:
    """The application's redirect URI: answers 200 and keeps what arrived."""

    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/callback"
        callback = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                callback.last = self.path
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(b"<!doctype html><title>Notes</title><h1 id=app>Back in the app</h1>")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


def rsa_key_folder(folder):
    keys = folder / "keys"
    keys.mkdir()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (keys / "id-2026-12.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return keys


def clients_file(folder, callback, secret):
    hashed = subprocess.run([auth_binary(), "hash-client-secret"], input=secret + "\n", capture_output=True,
                            text=True, timeout=30, check=True).stdout.strip()
    path = folder / "clients.json"
    path.write_text(f"""{{"clients": [
      {{"client_id": "notes", "name": "Notes", "client_secret_hash": "{hashed}",
        "redirect_uris": ["{callback}"], "post_logout_redirect_uris": ["{callback.replace('/callback', '/bye')}"]}},
      {{"client_id": "notes-cli", "name": "Notes CLI", "public": true, "redirect_uris": ["{callback}"],
        "scopes": ["openid", "phone", "offline_access"]}}
    ]}}""")
    return path


@pytest.fixture
def provider(tmp_path):
    callback = Callback()
    secret = "notes-" + "9f3c2a7d1e5b8c4f6a0d2e9b7c1f3a5d"
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    emulator = Emulator(str(tmp_path / "emulator.sqlite"))
    url, process, log = start_auth_server(tmp_path, {
        "TWILIO_VERIFY_BASE_URL": emulator.url, "PORT": str(port), "ISSUER": issuer, "BCRYPT_COST": "4",
        "OAUTH_CLIENTS_FILE": str(clients_file(tmp_path, callback.url, secret)),
        "JWT_KEYS_DIR": str(rsa_key_folder(tmp_path))})
    assert url == issuer
    yield emulator, issuer, callback, secret
    callback.stop()
    stop_stack(emulator, process, log)


def relying_party(issuer, client_id, secret=None, scope="openid profile email phone offline_access"):
    kwargs = {"scope": scope, "code_challenge_method": "S256"}
    if secret is None:
        kwargs["token_endpoint_auth_method"] = "none"
    return RelyingParty(
        FrameworkIntegration(client_id), name=client_id, client_id=client_id, client_secret=secret,
        server_metadata_url=issuer + "/.well-known/openid-configuration", client_kwargs=kwargs)


def back_at(browser, callback, started):
    """Waits for the browser to arrive at the callback; returns its query, checking state and iss."""
    WebDriverWait(browser, 10).until(lambda d: d.current_url.startswith(callback.url))
    assert browser.find_element(By.ID, "app").text == "Back in the app"
    query = {name: values[0] for name, values in parse_qs(urlparse(browser.current_url).query).items()}
    assert query["state"] == started["state"]
    return query


def test_password_and_authenticator_app_sign_in_for_a_confidential_client(provider, browser):
    emulator, issuer, callback, secret = provider
    # an account with an authenticator app, set up through the JSON API
    assert requests.post(issuer + "/api/accounts/register", json={
        "username": "ada", "email": "ada@example.com", "password": PASSWORD}, timeout=10).status_code == 201
    token = requests.post(issuer + "/api/accounts/login", json={"login": "ada", "password": PASSWORD},
                          timeout=10).json()["access_token"]
    started = requests.post(issuer + "/api/accounts/2fa/totp", json={"current_password": PASSWORD},
                            headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    app = pyotp.TOTP(started["secret"])
    assert requests.post(issuer + "/api/accounts/2fa/totp/verify",
                         json={"code": app.at(emulator.clock()["epoch_ms"] / 1000)},
                         headers={"Authorization": f"Bearer {token}"}, timeout=10).status_code == 200

    notes = relying_party(issuer, "notes", secret)
    begun = notes.create_authorization_url(redirect_uri=callback.url)
    browser.get(begun["url"])
    WebDriverWait(browser, 10).until(lambda d: d.current_url.split("?")[0].endswith("/login"), message=browser.current_url)
    assert browser.find_element(By.ID, "application").text == "to continue to Notes"
    fill(browser, {"login": "ada", "password": PASSWORD})
    wait_path(browser, "/login/verify")
    emulator.advance_clock(30)
    fill(browser, {"code": app.at(emulator.clock()["epoch_ms"] / 1000)})
    query = back_at(browser, callback, begun)
    assert query["iss"] == issuer

    tokens = notes.fetch_access_token(redirect_uri=callback.url, code=query["code"],
                                      code_verifier=begun["code_verifier"])
    person = notes.parse_id_token(tokens, nonce=begun["nonce"])
    assert person["preferred_username"] == "ada" and person["email"] == "ada@example.com"
    assert person["amr"] == ["pwd", "otp", "mfa"] and person["sub"].startswith("US")
    info = notes.userinfo(token=tokens)
    assert info["sub"] == person["sub"] and info["preferred_username"] == "ada"

    # a resource server asks about the access token, through Authlib's client
    metadata = notes.load_server_metadata()
    session = OAuth2Session("notes", secret)
    introspected = session.introspect_token(metadata["introspection_endpoint"], token=tokens["access_token"]).json()
    assert introspected["active"] is True and introspected["client_id"] == "notes"
    assert introspected["username"] == "ada"
    # the session's refresh token is revoked; with it every access token of the session
    assert session.revoke_token(metadata["revocation_endpoint"], token=tokens["refresh_token"]).status_code == 200
    assert session.introspect_token(
        metadata["introspection_endpoint"], token=tokens["access_token"]).json() == {"active": False}

    # signed in at the provider: the next sign-in needs no page (single sign-on)
    again = notes.create_authorization_url(redirect_uri=callback.url)
    browser.get(again["url"])
    back_at(browser, callback, again)

    # RP-initiated logout back to the application, then a sign-in asks for the password again
    logout = notes.create_logout_url(post_logout_redirect_uri=callback.url.replace("/callback", "/bye"),
                                     id_token_hint=tokens["id_token"])
    browser.get(logout["url"])
    WebDriverWait(browser, 10).until(lambda d: "/bye" in d.current_url)
    assert parse_qs(urlparse(browser.current_url).query)["state"] == [logout["state"]]
    browser.get(notes.create_authorization_url(redirect_uri=callback.url)["url"])
    wait_path(browser, "/login")


def test_sign_in_with_your_phone_for_a_public_client_with_pkce(provider, browser):
    emulator, issuer, callback, _ = provider
    cli = relying_party(issuer, "notes-cli", scope="openid phone offline_access")
    begun = cli.create_authorization_url(redirect_uri=callback.url)
    assert "code_challenge=" in begun["url"] and "code_challenge_method=S256" in begun["url"]
    browser.get(begun["url"])
    wait_path(browser, "/login")
    browser.find_element(By.ID, "phone-login").click()
    wait_path(browser, "/login/phone")
    assert browser.find_element(By.ID, "application").text == "to continue to Notes CLI"
    fill(browser, {"phone_number": "+1 415 555 0163"})
    wait_path(browser, "/login/phone/verify")
    fill(browser, {"code": emulator.last_code("+14155550163")})
    query = back_at(browser, callback, begun)

    tokens = cli.fetch_access_token(redirect_uri=callback.url, code=query["code"], code_verifier=begun["code_verifier"])
    person = cli.parse_id_token(tokens, nonce=begun["nonce"])
    assert person["sub"] == "+14155550163" and person["amr"] == ["sms"]
    assert person["phone_number"] == "+14155550163" and person["phone_number_verified"] is True
    assert cli.userinfo(token=tokens)["phone_number"] == "+14155550163"
    # the same code again is refused, and revokes what it gave
    replay = requests.post(issuer + "/oauth/token", data={
        "grant_type": "authorization_code", "code": query["code"], "redirect_uri": callback.url,
        "client_id": "notes-cli", "code_verifier": begun["code_verifier"]}, timeout=10)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert requests.get(issuer + "/oauth/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"},
                        timeout=10).status_code == 401


def test_a_wrong_redirect_uri_is_shown_never_followed(provider, browser):
    emulator, issuer, callback, secret = provider
    notes = relying_party(issuer, "notes", secret)
    begun = notes.create_authorization_url(redirect_uri=callback.url + "/../evil")
    browser.get(begun["url"])
    assert browser.find_element(By.TAG_NAME, "h1").text == "This sign-in link is not valid"
    assert browser.current_url.startswith(issuer + "/oauth/authorize")


def test_a_bad_clients_file_stops_start_up_naming_the_field(tmp_path):
    path = tmp_path / "clients.json"
    path.write_text('{"clients": [{"client_id": "notes", "public": true, "redirect_uris": ["http://notes.example/cb"]}]}')
    result = subprocess.run([auth_binary()], cwd=tmp_path, capture_output=True, text=True, timeout=20, env={
        "PATH": "/usr/bin:/bin", "ISSUER": "https://login.example.com", "OAUTH_CLIENTS_FILE": str(path),
        "PORT": str(free_port())})
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines == ["auth-server: cannot start: OAUTH_CLIENTS_FILE: clients[0].redirect_uris[0]: must use https "
                     "(http only for 127.0.0.1, [::1] or localhost)"], result.stderr


def test_introspection_at_one_replica_sees_a_logout_at_the_other_within_a_second(tmp_path):
    database = fresh_database(cluster_url())
    callback = "https://notes.example.com/callback"
    secret = "notes-" + "9f3c2a7d1e5b8c4f6a0d2e9b7c1f3a5d"
    keys = rsa_key_folder(tmp_path)
    running = Replicas(tmp_path, database, {
        "ISSUER": "https://login.example.com", "OAUTH_CLIENTS_FILE": str(clients_file(tmp_path, callback, secret)),
        "JWT_KEYS_DIR": str(keys)})
    try:
        session = running.sms_login(running.a, "+14155550164")
        introspect = lambda url: requests.post(url + "/oauth/introspect", data={"token": session["access_token"]},
                                               auth=("notes", secret), timeout=5).json()
        assert introspect(running.b)["active"] is True
        assert requests.post(running.a + "/api/auth/logout",
                             headers={"Authorization": f"Bearer {session['access_token']}"}, timeout=5).status_code == 200
        refused_within(lambda: introspect(running.b) == {"active": False})
    finally:
        running.stop()


def test_issuer_alone_names_what_is_missing_at_start(tmp_path):
    result = subprocess.run([auth_binary()], cwd=tmp_path, capture_output=True, text=True, timeout=20, env={
        "PATH": "/usr/bin:/bin", "ISSUER": "https://login.example.com", "PORT": str(free_port())})
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        "auth-server: cannot start: ISSUER: makes this an OpenID Connect provider, but no client can be registered: "
        "set OAUTH_CLIENTS_FILE or ADMIN_TOKEN (clients through /api/admin/clients); JWT_ISSUER alone sets the "
        "access tokens' iss"], result.stderr


def test_a_client_registered_at_one_replica_works_at_the_other_until_removed(tmp_path):
    database = fresh_database(cluster_url())
    admin = {"Authorization": "Bearer " + "admin-" + "0123456789abcdefghijklmnopqrstuvwxyz"}
    running = Replicas(tmp_path, database, {
        "ISSUER": "https://login.example.com", "ADMIN_TOKEN": admin["Authorization"][7:],
        "JWT_KEYS_DIR": str(rsa_key_folder(tmp_path))})
    try:
        registered = requests.post(running.a + "/api/admin/clients", headers=admin, timeout=5, json={
            "client_id": "reports", "name": "Reports", "redirect_uris": ["https://reports.example.com/cb"]})
        assert registered.status_code == 201, registered.text
        secret = registered.json()["client_secret"]
        listed = requests.get(running.b + "/api/admin/clients", headers=admin, timeout=5).json()["clients"]
        assert [(c["client_id"], c["source"]) for c in listed] == [("reports", "admin")]
        assert all("client_secret" not in c for c in listed)

        # the other replica authenticates it at once, through Authlib's client
        session = running.sms_login(running.a, "+14155550165")
        client = OAuth2Session("reports", secret)
        answer = client.introspect_token(running.b + "/oauth/introspect", token=session["access_token"])
        assert answer.status_code == 200 and answer.json()["active"] is True, answer.text

        removed = requests.delete(running.a + "/api/admin/clients/reports", headers=admin, timeout=5)
        assert removed.status_code == 200 and removed.json() == {"ended": 0}
        refused = client.introspect_token(running.b + "/oauth/introspect", token=session["access_token"])
        assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"
        events = requests.get(running.b + "/api/admin/audit?subject=reports", headers=admin, timeout=5).json()
        assert [e["type"] for e in events["events"]] == ["client.deleted", "client.created"]
    finally:
        running.stop()
