"""Two auth-server processes on one PostgreSQL database agree, as replicas behind a load balancer
must: what one revokes the other refuses within a second, a refresh token rotates once however
many replicas receive it, limits and web sessions are shared. And PostgreSQL stopped under load
is a 503 with nothing acknowledged lost.

The database is the throwaway cluster `scripts/test.sh` starts (`AUTH_TEST_DATABASE_URL`); each
test gets a database of its own. The outage test runs a cluster of its own, since it stops it.
"""
import os
import signal
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from conftest import ROOT, Emulator, auth_binary, free_port, number, start_auth_server

PASSWORD = "correct-horse-battery"


def cluster_url() -> str:
    url = os.environ.get("AUTH_TEST_DATABASE_URL")
    if not url:
        pytest.skip("needs AUTH_TEST_DATABASE_URL: scripts/test.sh starts a PostgreSQL cluster and sets it")
    return url


def fresh_database(url: str) -> str:
    """A new, empty database in the cluster of `url`, as a DATABASE_URL."""
    name = "replicas_" + uuid.uuid4().hex[:12]
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", f"CREATE DATABASE {name}"],
                   check=True, capture_output=True, timeout=30)
    base, _, query = url.partition("?")
    return base.rsplit("/", 1)[0] + "/" + name + ("?" + query if query else "")


class Replicas:
    """An emulator and two auth-server processes, A and B, on one database."""

    def __init__(self, folder: Path, database_url: str, env=None):
        self.emulator = Emulator(str(folder / "emulator.sqlite"))
        self.env = {"TWILIO_VERIFY_BASE_URL": self.emulator.url, "DATABASE_URL": database_url,
                    "BCRYPT_COST": "4", "DATABASE_POOL_SIZE": "4", **(env or {})}
        self.processes = []
        # one after the other: A makes the development Verify service, B finds it
        self.a = self.start(folder, "replica-a")
        self.b = self.start(folder, "replica-b")

    def start(self, folder, name):
        url, process, log = start_auth_server(folder, self.env, name)
        self.processes.append((process, log))
        return url

    def stop(self):
        for process, log in self.processes:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0
            log.close()
        assert self.emulator.stop() == 0

    def sms_login(self, url, phone):
        requests.post(url + "/api/auth/send-verification", json={"phone_number": phone}, timeout=5).raise_for_status()
        code = self.emulator.last_code(phone)
        verified = requests.post(url + "/api/auth/verify-code", json={"phone_number": phone, "code": code}, timeout=5)
        verified.raise_for_status()
        return verified.json()


@pytest.fixture
def replicas(tmp_path, request):
    running = Replicas(tmp_path, fresh_database(cluster_url()), getattr(request, "param", None))
    yield running
    running.stop()


def protected(url, token):
    return requests.get(url + "/api/auth/protected", headers={"Authorization": f"Bearer {token}"}, timeout=5)


def refused_within(check, seconds=1.0) -> float:
    """Polls `check` until it holds; returns how long that took, or fails after `seconds`."""
    started = time.monotonic()
    while True:
        if check():
            return time.monotonic() - started
        if time.monotonic() - started > seconds:
            pytest.fail(f"not refused within {seconds} s")
        time.sleep(0.02)


def test_logout_and_replay_at_a_are_refused_at_b_within_a_second(replicas):
    session = replicas.sms_login(replicas.a, number())
    assert protected(replicas.b, session["access_token"]).status_code == 200
    assert requests.post(replicas.a + "/api/auth/logout",
                         headers={"Authorization": f"Bearer {session['access_token']}"}, timeout=5).status_code == 200
    refused_within(lambda: protected(replicas.b, session["access_token"]).status_code == 401)

    first = replicas.sms_login(replicas.a, number())
    rotated = requests.post(replicas.a + "/api/auth/refresh", json={"refresh_token": first["refresh_token"]}, timeout=5)
    assert rotated.status_code == 200
    access = rotated.json()["access_token"]
    assert protected(replicas.b, access).status_code == 200
    # the spent token again, at B: a leak; the whole family goes, at A too
    replay = requests.post(replicas.b + "/api/auth/refresh", json={"refresh_token": first["refresh_token"]}, timeout=5)
    assert replay.status_code == 401
    refused_within(lambda: protected(replicas.a, access).status_code == 401)


def test_one_refresh_token_sent_to_both_at_once_rotates_exactly_once(replicas):
    with ThreadPoolExecutor(max_workers=2) as pool:
        for _ in range(10):
            token = replicas.sms_login(replicas.a, number())["refresh_token"]
            barrier = threading.Barrier(2)

            def refresh(url):
                barrier.wait()
                return requests.post(url + "/api/auth/refresh", json={"refresh_token": token}, timeout=10).status_code

            statuses = sorted(pool.map(refresh, [replicas.a, replicas.b]))
            assert statuses == [200, 401]


def register(url, name):
    created = requests.post(url + "/api/accounts/register",
                            json={"username": name, "email": f"{name}@example.com", "password": PASSWORD}, timeout=10)
    assert created.status_code == 201, created.text
    return requests.post(url + "/api/accounts/login", json={"login": name, "password": PASSWORD}, timeout=10).json()


def me(url, token):
    return requests.get(url + "/api/accounts/me", headers={"Authorization": f"Bearer {token}"}, timeout=5).status_code


def test_password_change_and_disabled_account_reach_the_other_replica(replicas):
    tokens = register(replicas.a, "zoe")
    assert me(replicas.b, tokens["access_token"]) == 200
    changed = requests.post(replicas.a + "/api/accounts/password",
                            json={"current_password": PASSWORD, "password": "another-pass-1"},
                            headers={"Authorization": f"Bearer {tokens['access_token']}"}, timeout=10)
    assert changed.status_code == 200, changed.text
    refused_within(lambda: me(replicas.b, tokens["access_token"]) == 401)
    assert requests.post(replicas.b + "/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]},
                         timeout=5).status_code == 401

    # the operator command, a third process on the same database
    mallory = register(replicas.b, "mallory")
    env = {"PATH": os.environ.get("PATH", ""), "DATABASE_URL": replicas.env["DATABASE_URL"]}
    done = subprocess.run([auth_binary(), "disable-account", "mallory"], env=env, cwd=ROOT, capture_output=True,
                          timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stdout == b"disabled account mallory\n"
    refused_within(lambda: me(replicas.a, mallory["access_token"]) == 401 and me(replicas.b, mallory["access_token"]) == 401)
    for url in (replicas.a, replicas.b):
        login = requests.post(url + "/api/accounts/login", json={"login": "mallory", "password": PASSWORD}, timeout=10)
        assert login.status_code == 403
        assert login.json()["message"] == "This account is disabled"
    unknown = subprocess.run([auth_binary(), "enable-account", "nobody"], env=env, cwd=ROOT, capture_output=True,
                             timeout=30)
    assert unknown.returncode == 1
    assert b"no account nobody in PostgreSQL at 127.0.0.1:" in unknown.stderr
    enabled = subprocess.run([auth_binary(), "enable-account", "mallory@example.com"], env=env, cwd=ROOT,
                             capture_output=True, timeout=30)
    assert enabled.returncode == 0, enabled.stderr
    assert requests.post(replicas.b + "/api/accounts/login", json={"login": "mallory", "password": PASSWORD},
                         timeout=10).status_code == 200


@pytest.mark.parametrize("replicas", [{"SEND_LIMIT_PER_PHONE": "4", "LOGIN_LIMIT_PER_ACCOUNT": "3"}], indirect=True)
def test_limits_count_both_replicas_together(replicas):
    phone = number()
    statuses = [requests.post((replicas.a, replicas.b)[index % 2] + "/api/auth/send-verification",
                              json={"phone_number": phone}, timeout=5).status_code for index in range(6)]
    assert statuses == [200, 200, 200, 200, 429, 429]

    register(replicas.a, "ivy")  # one login
    wrong = {"login": "ivy", "password": "not-the-password"}
    statuses = [requests.post((replicas.b, replicas.a)[index % 2] + "/api/accounts/login", json=wrong,
                              timeout=10).status_code for index in range(3)]
    assert statuses == [401, 401, 429]


def test_a_web_session_made_at_a_is_valid_at_b(replicas):
    register(replicas.a, "una")
    browser = requests.Session()  # cookies are per host, not per port: A and B share them, as behind a proxy
    page = browser.get(replicas.a + "/login", timeout=5).text
    csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    signed_in = browser.post(replicas.a + "/login", data={"login": "una", "password": PASSWORD, "csrf_token": csrf},
                             allow_redirects=False, timeout=10)
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/profile"
    profile = browser.get(replicas.b + "/profile", allow_redirects=False, timeout=5)
    assert profile.status_code == 200 and "<h1>una</h1>" in profile.text
    csrf = profile.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    out = browser.post(replicas.b + "/logout", data={"csrf_token": csrf}, allow_redirects=False, timeout=5)
    assert out.status_code == 303
    assert browser.get(replicas.a + "/profile", allow_redirects=False, timeout=5).headers["location"] == "/login"


def postgres_binaries() -> bool:
    return any(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


def test_postgres_stopped_under_load_is_503_and_nothing_acknowledged_is_lost(tmp_path):
    if not postgres_binaries():
        pytest.skip("needs PostgreSQL's server binaries (scripts/test.sh installs them)")
    cluster = tmp_path / "pg"
    started = subprocess.run(["bash", str(ROOT / "scripts/pg-cluster.sh"), "start", str(cluster)], capture_output=True,
                             text=True, timeout=120)
    assert started.returncode == 0, started.stderr
    replicas = None
    try:
        replicas = Replicas(tmp_path, started.stdout.strip(), {"DATABASE_TIMEOUT": "2", "SEND_LIMIT_PER_IP": "100000", "LOGIN_LIMIT_PER_IP": "100000",
                                                               "REGISTER_LIMIT_PER_IP": "100000",
                                                               "VERIFY_LIMIT_PER_IP": "100000"})
        phone_token = replicas.sms_login(replicas.a, number())["access_token"]
        registered, refresh_tokens, answers, failures = [], [], [], []
        lock = threading.Lock()
        stop = threading.Event()

        def call(method, url, **arguments):
            began = time.monotonic()
            response = requests.request(method, url, timeout=15, **arguments)
            with lock:
                answers.append((response.status_code, time.monotonic() - began, response))
            return response

        def worker(index):
            url = (replicas.a, replicas.b)[index % 2]
            round = 0
            while not stop.is_set():
                round += 1
                try:
                    # the phone token needs no database: it keeps working through the outage
                    assert call("GET", url + "/api/auth/protected",
                                headers={"Authorization": f"Bearer {phone_token}"}).status_code == 200
                    name = f"u{index}x{round}x{uuid.uuid4().hex[:6]}"
                    created = call("POST", url + "/api/accounts/register",
                                   json={"username": name, "email": f"{name}@example.com", "password": PASSWORD})
                    if created.status_code == 201:
                        with lock:
                            registered.append(name)
                    phone = number()
                    if call("POST", url + "/api/auth/send-verification", json={"phone_number": phone}).status_code == 200:
                        code = replicas.emulator.last_code(phone)
                        verified = call("POST", url + "/api/auth/verify-code", json={"phone_number": phone, "code": code})
                        if verified.status_code == 200:
                            with lock:
                                refresh_tokens.append(verified.json()["refresh_token"])
                except Exception as error:  # a hang (timeout), a dropped connection, a wrong answer
                    with lock:
                        failures.append(repr(error))
                    return

        with ThreadPoolExecutor(max_workers=8) as pool:
            for index in range(8):
                pool.submit(worker, index)
            time.sleep(1.5)
            subprocess.run(["bash", str(ROOT / "scripts/pg-cluster.sh"), "stop", str(cluster)], check=True, timeout=60)
            stopped_at = len(answers)
            time.sleep(3)
            subprocess.run(["bash", str(ROOT / "scripts/pg-cluster.sh"), "resume", str(cluster)], check=True,
                           timeout=60)
            resumed_at = len(answers)
            # back by itself, no restart: registrations succeed again at both replicas
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                with lock:
                    recent = [a for a in answers[resumed_at:] if a[2].request.method == "POST"]
                if sum(1 for a in recent if a[0] in (200, 201)) >= 20:
                    break
                time.sleep(0.2)
            stop.set()

        assert failures == []
        during = answers[stopped_at:resumed_at]
        unavailable = [a for a in answers if a[0] == 503]
        assert unavailable, "the outage was not seen"
        assert any(a[0] == 503 for a in during)
        for status, seconds, response in answers:
            assert status in (200, 201, 503), (status, response.text)
            assert seconds < 8, f"{response.request.method} {response.request.url} took {seconds:.1f} s"
        for _, _, response in unavailable:
            assert response.json() == {"message": "The database is unavailable; try again shortly"}
            assert response.headers["retry-after"] == "5"
        assert sum(1 for a in answers[resumed_at:] if a[0] in (200, 201)) >= 20, "did not recover"
        for process, _ in replicas.processes:
            assert process.poll() is None

        # everything acknowledged is there, at either replica
        assert registered and refresh_tokens
        for index, name in enumerate(registered):
            login = requests.post((replicas.a, replicas.b)[index % 2] + "/api/accounts/login",
                                  json={"login": name, "password": PASSWORD}, timeout=10)
            assert login.status_code == 200, (name, login.text)
        for index, token in enumerate(refresh_tokens):
            rotated = requests.post((replicas.b, replicas.a)[index % 2] + "/api/auth/refresh",
                                    json={"refresh_token": token}, timeout=10)
            assert rotated.status_code == 200, rotated.text
    finally:
        if replicas:
            replicas.stop()
        subprocess.run(["bash", str(ROOT / "scripts/pg-cluster.sh"), "stop", str(cluster)], capture_output=True,
                       timeout=60)


def test_the_operator_command_names_an_unreachable_database(tmp_path):
    port = free_port()  # nothing listens there
    env = {"PATH": os.environ.get("PATH", ""), "DATABASE_URL": f"postgres://auth@127.0.0.1:{port}/auth",
           "DATABASE_WAIT": "1"}
    started = time.monotonic()
    done = subprocess.run([auth_binary(), "disable-account", "mallory"], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 1
    assert done.stderr.startswith(f"auth-server: cannot disable-account: cannot reach PostgreSQL at 127.0.0.1:{port}")
    assert done.stderr.count("\n") == 1
    assert time.monotonic() - started < 10
    both = subprocess.run([auth_binary(), "enable-account", "mallory"], cwd=tmp_path, capture_output=True, text=True,
                          env={**env, "DATABASE_PATH": str(tmp_path / "auth.sqlite")}, timeout=30)
    assert both.returncode == 2
    assert "set DATABASE_URL (PostgreSQL) or DATABASE_PATH (SQLite), not both" in both.stderr
