"""Connections the servers refuse are answered and closed; open connections are capped."""
import base64
import json
import socket
import time

import requests

from conftest import Emulator, start_stack, stop_stack

DEFAULT_AUTH = base64.b64encode(b"AC00000000000000000000000000000000:emulator-auth-token")


def read_answer(connection, seconds):
    """Everything the server sends until it closes the connection; (bytes, closed)."""
    connection.settimeout(seconds)
    answer = b""
    try:
        while True:
            chunk = connection.recv(65536)
            if not chunk:
                return answer, True
            answer += chunk
    except ConnectionResetError:
        # closed with part of the request unread: the kernel resets the connection
        return answer, True
    except socket.timeout:
        return answer, False


def head_and_body(answer: bytes):
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    return lines[0], headers, body


def upload_too_large(port, head: bytes):
    """Declares a 10 MB body, sends 200 KB of it, and returns what the server answered and
    whether it closed the connection while the client still had 9.8 MB to send."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(head + b"Content-Length: 10000000\r\n\r\n")
        try:
            connection.sendall(b"a" * 200_000)
        except (BrokenPipeError, ConnectionResetError):
            pass
        started = time.monotonic()
        answer, closed = read_answer(connection, 5)
        return answer, closed, time.monotonic() - started


def test_the_emulator_closes_the_connection_after_a_413(tmp_path):
    emulator = Emulator(":memory:")
    try:
        answer, closed, seconds = upload_too_large(emulator.port, (
            b"POST /v2/Services/VA00000000000000000000000000000000/Verifications HTTP/1.1\r\nHost: localhost\r\n"
            b"Authorization: Basic " + DEFAULT_AUTH + b"\r\nContent-Type: application/x-www-form-urlencoded\r\n"))
        status, headers, body = head_and_body(answer)
        assert status == "HTTP/1.1 413 Payload Too Large", answer[:300]
        assert headers["connection"] == "close"
        assert json.loads(body)["code"] == 20001
        assert closed and seconds < 3, "the connection stayed open for the rest of the upload"
        assert requests.get(emulator.url + "/healthz", timeout=5).status_code == 200
    finally:
        assert emulator.stop() == 0


def test_the_auth_server_closes_the_connection_after_a_413(tmp_path):
    emulator, url, process, log = start_stack(tmp_path)
    try:
        port = int(url.rsplit(":", 1)[1])
        answer, closed, seconds = upload_too_large(
            port, b"POST /api/auth/send-verification HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n")
        status, headers, body = head_and_body(answer)
        assert status == "HTTP/1.1 413 Payload Too Large", answer[:300]
        assert headers["connection"] == "close"
        assert "message" in json.loads(body)
        assert closed and seconds < 3, "the connection stayed open for the rest of the upload"
    finally:
        stop_stack(emulator, process, log)


def huge_header_request(port, path: bytes, header: bytes):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: localhost\r\n" + header + b"\r\n\r\n")
        answer, closed = read_answer(connection, 5)
        return head_and_body(answer), closed


def test_a_1_mb_token_is_a_401_with_the_json_msg(tmp_path):
    emulator, url, process, log = start_stack(tmp_path)
    try:
        port = int(url.rsplit(":", 1)[1])
        (status, headers, body), closed = huge_header_request(
            port, b"/api/auth/protected", b"Authorization: Bearer " + b"a" * 1_000_000)
        assert status == "HTTP/1.1 401 Unauthorized"
        assert headers["content-type"] == "application/json"
        assert headers["www-authenticate"] == "Bearer"
        assert json.loads(body)["msg"] == "Request headers too large: more than 80 KB"
        assert closed
        # a malformed request line is a 400 with a body, too
        with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
            connection.sendall(b"GET /healthz HTTP/1.1\r\nHost x\r\n\r\n")
            status, _, body = head_and_body(read_answer(connection, 5)[0])
        assert status == "HTTP/1.1 400 Bad Request"
        assert json.loads(body)["message"] == "Malformed HTTP request"
        assert requests.get(url + "/healthz", timeout=5).status_code == 200
    finally:
        stop_stack(emulator, process, log)


def test_the_emulator_answers_huge_headers_in_twilios_shape(tmp_path):
    emulator = Emulator(":memory:")
    try:
        (status, headers, body), closed = huge_header_request(
            emulator.port, b"/v2/Services", b"Authorization: Basic " + b"a" * 200_000)
        assert status == "HTTP/1.1 431 Request Header Fields Too Large"
        error = json.loads(body)
        assert error["code"] == 20001 and error["status"] == 431
        assert error["message"] == "Request headers too large"
        assert closed
    finally:
        assert emulator.stop() == 0


def served_within(port, seconds):
    """Sends GET /healthz on a new connection; the answer's status line, or None if none came."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=seconds)
    connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
    connection.settimeout(seconds)
    try:
        answer = connection.recv(4096)
        return answer.split(b"\r\n", 1)[0] if answer else None
    except socket.timeout:
        return None
    finally:
        connection.close()


def test_open_connections_are_capped_with_one_log_line(tmp_path):
    emulator = Emulator(":memory:", args=["--max-connections", "4"])
    idle = []
    try:
        for _ in range(4):
            idle.append(socket.create_connection(("127.0.0.1", emulator.port), timeout=5))
        time.sleep(0.3)
        # at the limit a new client waits (in the listen backlog), it is not refused
        waiting = socket.create_connection(("127.0.0.1", emulator.port), timeout=5)
        waiting.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        waiting.settimeout(1)
        try:
            early = waiting.recv(4096)
        except socket.timeout:
            early = None
        assert early is None, "a fifth connection was served past --max-connections 4"
        output = emulator.output()
        assert output.count("connection limit reached: 4 open (limit 4)") == 1, output
        # one idle connection closes: the waiting client is served
        idle.pop().close()
        waiting.settimeout(5)
        assert waiting.recv(4096).startswith(b"HTTP/1.1 200")
        waiting.close()
        for connection in idle:
            connection.close()
        idle.clear()
        time.sleep(0.3)
        assert served_within(emulator.port, 5) == b"HTTP/1.1 200 OK"
        assert "below the connection limit again" in emulator.output()
    finally:
        for connection in idle:
            connection.close()
        assert emulator.stop() == 0


def test_the_auth_server_caps_connections(tmp_path):
    emulator, url, process, log = start_stack(tmp_path, {"MAX_CONNECTIONS": "3"})
    port = int(url.rsplit(":", 1)[1])
    idle = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(3)]
    try:
        time.sleep(0.3)
        assert served_within(port, 1) is None
        idle.pop().close()
        assert served_within(port, 5) == b"HTTP/1.1 200 OK"
    finally:
        for connection in idle:
            connection.close()
        stop_stack(emulator, process, log)
    assert "connection limit reached: 3 open (limit 3)" in (tmp_path / "auth.log").read_text()


UPGRADE = (b"Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
           b"HTTP2-Settings: AAEAAEAAAAIAAAABAAMAAABkAAQBAAAAAAUAAEAA\r\n")


def answers_on_one_connection(port, requests_: list, together=False):
    """Sends each request on one connection, each after the previous answer (or all at once,
    pipelined) and returns the status lines answered within 5 s each."""
    statuses = []
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        if together:
            connection.sendall(b"".join(requests_))
        buffered = b""
        for request in requests_:
            if not together:
                connection.sendall(request)
            while b"\r\n\r\n" not in buffered:
                try:
                    chunk = connection.recv(65536)
                except socket.timeout:
                    return statuses
                if not chunk:
                    return statuses
                buffered += chunk
            head, _, rest = buffered.partition(b"\r\n\r\n")
            status, headers, _ = head_and_body(head + b"\r\n\r\n")
            length = int(headers.get("content-length", "0"))
            if not request.startswith(b"HEAD"):
                while len(rest) < length:
                    rest += connection.recv(65536)
                rest = rest[length:]
            buffered = rest
            statuses.append(status)
    return statuses


def upgrade_sequences(port, path: bytes, post: bytes):
    get = b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    plain_get = get + b"\r\n"
    upgrade_get = get + UPGRADE + b"\r\n"
    head = b"HEAD " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + UPGRADE + b"\r\n"
    # a GET asking for h2c, then any request, on the same connection (it stalled here)
    assert answers_on_one_connection(port, [upgrade_get, plain_get]) == ["HTTP/1.1 200 OK"] * 2
    assert answers_on_one_connection(port, [upgrade_get] * 4) == ["HTTP/1.1 200 OK"] * 4
    # pipelined: the second request reaches the server before the first is answered
    assert answers_on_one_connection(port, [upgrade_get, plain_get, upgrade_get], together=True) == \
        ["HTTP/1.1 200 OK"] * 3
    # with a body, and a HEAD asking for h2c: answered without a body (a body would be read as
    # the next answer's status line), the connection still serving
    answered = answers_on_one_connection(port, [post, head, plain_get])
    assert len(answered) == 3 and answered[2] == "HTTP/1.1 200 OK", answered
    # a plain request never needed any of this
    assert answers_on_one_connection(port, [plain_get] * 2) == ["HTTP/1.1 200 OK"] * 2


def test_an_h2c_upgrade_request_is_answered_and_the_connection_keeps_serving(tmp_path):
    emulator, url, process, log = start_stack(tmp_path)
    try:
        body = b"FriendlyName=Java"
        emulator_post = (b"POST /v2/Services HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic " + DEFAULT_AUTH
                         + b"\r\nContent-Type: application/x-www-form-urlencoded\r\n" + UPGRADE
                         + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        upgrade_sequences(emulator.port, b"/healthz", emulator_post)
        auth_body = b'{"refresh_token": "nope"}'
        auth_post = (b"POST /api/auth/refresh HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     + UPGRADE + b"Content-Length: " + str(len(auth_body)).encode() + b"\r\n\r\n" + auth_body)
        upgrade_sequences(int(url.rsplit(":", 1)[1]), b"/healthz", auth_post)
    finally:
        stop_stack(emulator, process, log)


def test_the_jdks_http_client_on_defaults_makes_several_calls(tmp_path):
    """java.net.http.HttpClient as an app builds it asks for h2c on every request over http://;
    its second call on a kept-alive connection used to wait forever on both servers."""
    import shutil
    import subprocess
    from pathlib import Path

    java = shutil.which("java")
    assert java, "a JDK (17) is needed"
    program = str(Path(__file__).parent / "java_clients" / "DefaultClient.java")
    emulator, url, process, log = start_stack(tmp_path)
    try:
        calls = ["GET:/healthz", "POST:/v2/Services:FriendlyName=Java", "GET:/v2/Services", "GET:/readyz",
                 "POST:/v2/Services:FriendlyName=Again"]
        run = subprocess.run([java, program, emulator.url, "AC" + "0" * 32 + ":emulator-auth-token", *calls],
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stdout + run.stderr
        assert run.stdout.split("\n")[:5] == [
            "200 GET /healthz HTTP_1_1", "201 POST /v2/Services HTTP_1_1", "200 GET /v2/Services HTTP_1_1",
            "200 GET /readyz HTTP_1_1", "201 POST /v2/Services HTTP_1_1"]
        calls = ["GET:/healthz", "POST:/api/auth/refresh:{\"refresh_token\": \"nope\"}", "GET:/.well-known/jwks.json",
                 "POST:/api/accounts/login:{}", "GET:/healthz"]
        run = subprocess.run([java, program, url, "x:y", *calls], capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stdout + run.stderr
        statuses = [line.split(" ")[0] for line in run.stdout.strip().split("\n")]
        assert statuses[0] == "200" and statuses[2] == "200" and statuses[4] == "200", run.stdout
        assert statuses[1].startswith("4") and statuses[3].startswith("4"), run.stdout
    finally:
        stop_stack(emulator, process, log)
