"""schemathesis hooks for test_openapi.py (loaded through SCHEMATHESIS_HOOKS).

- A `wait` the messages long-poll takes (up to 60 s) becomes 50 ms: the run tests that the
  parameter is read and answered as described, not how long the emulator can wait.
- For the auth server (OPENAPI_AUTH_URL set), every signed-in route gets the access token of a
  test account, fetched again whenever a route answers 401: the run itself logs out and so
  revokes the token it was given.
"""
import os
import re

import requests
import schemathesis

AUTH_URL = os.environ.get("OPENAPI_AUTH_URL")
LOGIN = {"login": "openapi", "password": "openapi-correct-horse-battery"}


@schemathesis.hook
def map_query(context, query):
    if query and isinstance(query.get("wait"), str):
        match = re.fullmatch(r"([0-9.]+)(ms|s)?", query["wait"])
        if match:
            query["wait"] = "50ms"
    return query


if AUTH_URL:

    @schemathesis.auth()
    class AccountToken:
        def get(self, case, context):
            answer = requests.post(AUTH_URL + "/api/accounts/login", json=LOGIN, timeout=10)
            answer.raise_for_status()
            return answer.json()["access_token"]

        def set(self, case, data, context):
            case.headers = case.headers or {}
            case.headers["Authorization"] = f"Bearer {data}"
