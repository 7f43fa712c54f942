"""schemathesis hooks for test_openapi.py (loaded through SCHEMATHESIS_HOOKS).

- A `wait` the messages long-poll takes (up to 60 s) becomes 50 ms: the run tests that the
  parameter is read and answered as described, not how long the emulator can wait.
- For the auth server (OPENAPI_AUTH_URL set), every signed-in route gets the access token of a
  test account, fetched again whenever a route answers 401: the run itself logs out and so
  revokes the token it was given. `DELETE /api/auth/me` (a phone login deleting itself) gets a
  phone login's token instead: the review number's (PHONE), whose fixed code no generated body
  guesses; the admin API gets the admin token (OPENAPI_ADMIN_TOKEN). The stateful phase can
  delete or disable the test account through the admin API (it links the registration's id to
  the admin routes): a login that fails brings the account back first (enabled, or registered
  again), so the later routes are still tested signed in.
- `POST /api/auth/refresh` takes its token in the body, where a generated string is never a live
  one (only the stateful phase's link from a login could be, and not on every run): every other
  generated body that has a `refresh_token` gets a live one, so the 200 answer is checked against
  its schema on every run and the refusals still are.
"""
import os
import re

import requests
import schemathesis

AUTH_URL = os.environ.get("OPENAPI_AUTH_URL")
LOGIN = {"login": "openapi", "password": "openapi-correct-horse-battery"}
PHONE = {"phone_number": "+15555550142", "code": "731902"}


@schemathesis.hook
def map_query(context, query):
    if query and isinstance(query.get("wait"), str):
        match = re.fullmatch(r"([0-9.]+)(ms|s)?", query["wait"])
        if match:
            query["wait"] = "50ms"
    return query


if AUTH_URL:
    refresh_bodies = 0

    def admin(method, path, **kwargs):
        headers = {"Authorization": f"Bearer {os.environ['OPENAPI_ADMIN_TOKEN']}"}
        return requests.request(method, AUTH_URL + path, headers=headers, timeout=10, **kwargs)

    def account_login():
        """The test account's tokens; if the run deleted or disabled it, it is restored first."""
        answer = requests.post(AUTH_URL + "/api/accounts/login", json=LOGIN, timeout=10)
        if answer.status_code != 200 and os.environ.get("OPENAPI_ADMIN_TOKEN"):
            found = admin("GET", "/api/admin/accounts", params={"q": LOGIN["login"]}).json().get("accounts", [])
            mine = [a for a in found if a["username"] == LOGIN["login"]]
            if not mine:
                requests.post(AUTH_URL + "/api/accounts/register", timeout=10, json={
                    "username": LOGIN["login"], "email": "openapi@example.com", "password": LOGIN["password"]})
            elif mine[0]["disabled"]:
                admin("POST", f"/api/admin/accounts/{mine[0]['account_sid']}/enable")
            answer = requests.post(AUTH_URL + "/api/accounts/login", json=LOGIN, timeout=10)
        answer.raise_for_status()
        return answer.json()

    @schemathesis.hook
    def map_body(context, body):
        global refresh_bodies
        operation = context.operation
        if operation is None or (operation.method.upper(), operation.path) != ("POST", "/api/auth/refresh"):
            return body
        if not isinstance(body, dict) or "refresh_token" not in body:
            return body
        refresh_bodies += 1
        if refresh_bodies % 2:
            body["refresh_token"] = account_login()["refresh_token"]
        return body

    @schemathesis.auth().skip_for(path_regex=r"^/api/(admin/.*|auth/me)$")
    class AccountToken:
        def get(self, case, context):
            return account_login()["access_token"]

        def set(self, case, data, context):
            case.headers = case.headers or {}
            case.headers["Authorization"] = f"Bearer {data}"

    @schemathesis.auth().apply_to(path="/api/auth/me")
    class PhoneToken:
        def get(self, case, context):
            answer = requests.post(AUTH_URL + "/api/auth/verify-code", json=PHONE, timeout=10)
            answer.raise_for_status()
            return answer.json()["token"]

        def set(self, case, data, context):
            case.headers = case.headers or {}
            case.headers["Authorization"] = f"Bearer {data}"

    @schemathesis.auth().apply_to(path_regex=r"^/api/admin/")
    class AdminToken:
        def get(self, case, context):
            return os.environ["OPENAPI_ADMIN_TOKEN"]

        def set(self, case, data, context):
            case.headers = case.headers or {}
            case.headers["Authorization"] = f"Bearer {data}"
