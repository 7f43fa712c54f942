"""No code change: apps reach the emulator as https://verify.twilio.com through its port used as
an HTTPS proxy (or its TLS listener), trusting its local CA, with only the environment that
`verify-emulator env` prints. The official SDK with no base_url, curl, Go's and Java's standard
HTTP clients; the CA's name constraint and files; refusals that prove nothing leaves the machine;
and each unhappy path's one clear line."""
import os
import shutil
import socket
import ssl
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
import requests
import verify_emulator
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from conftest import binary, free_port

ACCOUNT, TOKEN, SERVICE = (verify_emulator.DEFAULT_ACCOUNT_SID, verify_emulator.DEFAULT_AUTH_TOKEN,
                           verify_emulator.DEFAULT_SERVICE_SID)
HERE = Path(__file__).resolve().parent


def start(data_dir, *args, port=None):
    return verify_emulator.Emulator.start(
        binary(), port=port, args=["--data-dir", str(data_dir), *args], env={"VERIFY_EMULATOR_QUIET": "0"})


def env_of(data_dir, port, *extra):
    """The environment `verify-emulator env --format dotenv` prints, as a dict on top of ours, with
    nothing of the emulator's own settings in it."""
    printed = subprocess.run(
        [binary(), "env", "--format", "dotenv", "--port", str(port), "--data-dir", str(data_dir), *extra],
        check=True, capture_output=True, text=True).stdout
    variables = {}
    for line in printed.splitlines():
        name, _, value = line.partition("=")
        variables[name] = value[1:-1].replace('\\"', '"').replace("\\$", "$") if value.startswith('"') else value
    environment = {k: v for k, v in os.environ.items() if not k.upper().endswith("_PROXY")}
    environment.update(variables)
    return environment


@pytest.fixture
def proxied(tmp_path):
    data = tmp_path / "data"
    with start(data) as emulator:
        yield emulator, data, env_of(data, emulator.port)
    assert emulator.process.returncode == 0, emulator.output()


SDK_SCRIPT = textwrap.dedent("""
    import json, sys, urllib.request
    from twilio.rest import Client
    account, token, service, control = sys.argv[1:5]
    client = Client(account, token)          # no base_url: https://verify.twilio.com
    verification = client.verify.v2.services(service).verifications.create(to="+15005550006", channel="sms")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    messages = json.load(opener.open(control + "/emulator/v1/messages?to=%2B15005550006"))["messages"]
    check = client.verify.v2.services(service).verification_checks.create(to="+15005550006", code=messages[0]["code"])
    print(json.dumps({"url": verification.url, "status": check.status, "sid": check.sid == verification.sid}))
""")


def test_official_sdk_with_no_base_url_reaches_the_emulator(proxied, tmp_path):
    emulator, _, environment = proxied
    script = tmp_path / "app.py"
    script.write_text(SDK_SCRIPT)
    run = subprocess.run([sys.executable, str(script), ACCOUNT, TOKEN, SERVICE, emulator.url],
                         env=environment, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert '"status": "approved"' in run.stdout and '"sid": true' in run.stdout
    assert f'"url": "https://verify.twilio.com/v2/Services/{SERVICE}/Verifications/VE' in run.stdout
    # the request went through the same application: it is in the emulator's request log
    log = emulator.get("/emulator/v1/requests")
    assert any(entry["path"].endswith("/VerificationCheck") for entry in log["requests"])


def test_curl_with_only_the_environment(proxied):
    emulator, _, environment = proxied
    run = subprocess.run(
        ["curl", "-sS", "-u", f"{ACCOUNT}:{TOKEN}", f"https://verify.twilio.com/v2/Services/{SERVICE}"],
        env=environment, capture_output=True, text=True, timeout=30)
    assert run.returncode == 0, run.stderr
    assert f'"url":"https://verify.twilio.com/v2/Services/{SERVICE}"' in run.stdout
    # absolute-form plain HTTP through the proxy too
    plain = subprocess.run(
        ["curl", "-sS", "-u", f"{ACCOUNT}:{TOKEN}", f"http://verify.twilio.com/v2/Services/{SERVICE}"],
        env=environment, capture_output=True, text=True, timeout=30)
    assert f'"sid":"{SERVICE}"' in plain.stdout, plain.stdout + plain.stderr


def test_go_standard_library_with_only_the_environment(proxied, tmp_path):
    emulator, _, environment = proxied
    go = shutil.which("go")
    if go is None:
        pytest.fail("go is needed (scripts/test.sh installs Debian's golang-go)")
    environment.update({"GOCACHE": str(tmp_path / "gocache"), "GOPATH": str(tmp_path / "gopath"), "GO111MODULE": "off"})
    run = subprocess.run([go, "run", str(HERE / "proxy_clients" / "main.go"), ACCOUNT, TOKEN, SERVICE],
                         env=environment, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("200 ") and f"https://verify.twilio.com/v2/Services/{SERVICE}" in run.stdout


def test_java_http_client_with_only_the_environment(proxied):
    emulator, _, environment = proxied
    java = shutil.which("java")
    if java is None:
        pytest.fail("a JDK (17) is needed")
    run = subprocess.run([java, str(HERE / "proxy_clients" / "Check.java"), ACCOUNT, TOKEN, SERVICE],
                         env=environment, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("200 ") and f"https://verify.twilio.com/v2/Services/{SERVICE}" in run.stdout


def raw_proxy_request(port, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while True:
            chunk = connection.recv(65536)
            if not chunk:
                return answer
            answer += chunk


def test_other_hosts_are_refused_and_nothing_leaves_the_machine(proxied):
    emulator, _, _ = proxied
    # a server the refused requests name: it must never see a connection
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(1.0)
    target = f"127.0.0.1:{listener.getsockname()[1]}"
    for request in [
        f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n",
        f"GET http://{target}/v2/Services HTTP/1.1\r\nHost: {target}\r\n\r\n",
        "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
        "CONNECT verify.twilio.com.example.com:443 HTTP/1.1\r\nHost: x\r\n\r\n",
    ]:
        answer = raw_proxy_request(emulator.port, request.encode()).decode()
        assert answer.startswith("HTTP/1.1 403 Forbidden"), answer
        named = request.split(" ")[1].replace("http://", "").split("/")[0]
        assert f"refused {request.split(' ')[0]} {named}" in answer and "forwards nothing" in answer
    with pytest.raises(socket.timeout):
        listener.accept()
    listener.close()
    assert "proxy request refused" in emulator.output() and "target=example.com:443" in emulator.output()


def test_other_twilio_products_get_twilios_404(proxied):
    emulator, _, environment = proxied
    run = subprocess.run(
        ["curl", "-sS", "-u", f"{ACCOUNT}:{TOKEN}", f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Messages.json"],
        env=environment, capture_output=True, text=True, timeout=30)
    assert '"code":20404' in run.stdout and '"status":404' in run.stdout, run.stdout + run.stderr
    assert "api.twilio.com is not emulated" in emulator.output()


def test_the_ca_is_name_constrained_private_and_reused(tmp_path):
    data = tmp_path / "data"
    with start(data) as emulator:
        served = emulator.ca_pem()
    ca_file = data / "ca" / "ca.pem"
    key_file = data / "ca" / "ca-key.pem"
    assert served == ca_file.read_text()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((data / "ca").stat().st_mode) == 0o700
    ca = x509.load_pem_x509_certificate(ca_file.read_bytes())
    constraint = ca.extensions.get_extension_for_class(x509.NameConstraints)
    assert constraint.critical
    assert constraint.value.permitted_subtrees == [x509.DNSName("twilio.com")]
    excluded = {str(name.value) for name in constraint.value.excluded_subtrees}
    assert excluded == {"0.0.0.0/0", "::/0"}
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert isinstance(ca.public_key(), ec.EllipticCurvePublicKey) and ca.public_key().curve.name == "secp256r1"
    # the bundle keeps the system's roots and adds the CA
    bundle = (data / "ca-bundle.pem").read_text()
    assert bundle.count("BEGIN CERTIFICATE") > 10 and bundle.rstrip().endswith(served.rstrip())

    # a second start reuses it
    with start(data) as again:
        assert again.ca_pem() == served
    # `ca` prints its fingerprint; --renew replaces it
    fingerprint = ca.fingerprint(hashes.SHA256()).hex(":").upper()
    shown = subprocess.run([binary(), "ca", "--data-dir", str(data)], capture_output=True, text=True, check=True).stdout
    assert fingerprint in shown and str(ca_file) in shown
    renewed = subprocess.run([binary(), "ca", "--renew", "--data-dir", str(data)], capture_output=True, text=True,
                             check=True).stdout
    assert fingerprint not in renewed and ca_file.read_text() != served
    assert served not in (data / "ca-bundle.pem").read_text()


def test_a_leaf_for_another_name_signed_by_the_ca_fails_verification(tmp_path):
    """Even with the CA's key, nobody can make a certificate this CA vouches for outside
    twilio.com: Python's ssl (OpenSSL) refuses it."""
    data = tmp_path / "data"
    subprocess.run([binary(), "ca", "--data-dir", str(data)], check=True, capture_output=True)
    ca = x509.load_pem_x509_certificate((data / "ca" / "ca.pem").read_bytes())
    ca_key = serialization.load_pem_private_key((data / "ca" / "ca-key.pem").read_bytes(), None)

    def leaf(name):
        key = ec.generate_private_key(ec.SECP256R1())
        now = ca.not_valid_before_utc
        certificate = (
            x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
            .issuer_name(ca.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now.replace(year=now.year + 1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .sign(ca_key, hashes.SHA256()))
        folder = tmp_path / name
        folder.mkdir()
        (folder / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        (folder / "key.pem").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        return folder

    def handshake(name):
        folder = leaf(name)
        server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()

        def serve():
            connection, _ = listener.accept()
            try:
                with server_context.wrap_socket(connection, server_side=True):
                    pass
            except (ssl.SSLError, OSError):
                pass

        threading.Thread(target=serve, daemon=True).start()
        client_context = ssl.create_default_context(cafile=str(data / "ca" / "ca.pem"))
        with socket.create_connection(listener.getsockname()) as raw:
            try:
                with client_context.wrap_socket(raw, server_hostname=name):
                    return "ok"
            except ssl.SSLCertVerificationError as error:
                return error.verify_message
            finally:
                listener.close()

    assert handshake("verify.twilio.com") == "ok"
    assert handshake("example.com") == "permitted subtree violation"
    assert handshake("twilio.com.example.com") == "permitted subtree violation"


def test_tls_listener_serves_verify_twilio_com(tmp_path):
    data = tmp_path / "data"
    tls_port = free_port()
    with start(data, "--tls-port", str(tls_port)) as emulator:
        run = subprocess.run(
            ["curl", "-sS", "--noproxy", "*", "--resolve", f"verify.twilio.com:{tls_port}:127.0.0.1",
             "--cacert", str(data / "ca" / "ca.pem"), "-u", f"{ACCOUNT}:{TOKEN}",
             f"https://verify.twilio.com:{tls_port}/v2/Services/{SERVICE}"],
            capture_output=True, text=True, timeout=30)
        assert f'"url":"https://verify.twilio.com:{tls_port}/v2/Services/{SERVICE}"' in run.stdout, run.stderr
        # a client that does not trust the CA: refused by the client, and the log says how to fix it
        untrusting = subprocess.run(
            ["curl", "-sS", "--noproxy", "*", "--resolve", f"verify.twilio.com:{tls_port}:127.0.0.1",
             "--cacert", "/etc/ssl/certs/ca-certificates.crt", f"https://verify.twilio.com:{tls_port}/v2/Services"],
            capture_output=True, text=True, timeout=30)
        assert untrusting.returncode != 0
        deadline = time.monotonic() + 5
        while "TLS handshake for verify.twilio.com failed" not in emulator.output() and time.monotonic() < deadline:
            time.sleep(0.05)
        line = next(line for line in emulator.output().splitlines() if "TLS handshake" in line)
        assert f"trust {data / 'ca' / 'ca.pem'}" in line and 'verify-emulator env' in line


def test_a_proxy_client_that_does_not_trust_the_ca_gets_a_log_line_naming_the_fix(proxied):
    emulator, _, environment = proxied
    environment = {k: v for k, v in environment.items()
                   if k not in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")}
    run = subprocess.run(["curl", "-sS", f"https://verify.twilio.com/v2/Services"], env=environment,
                         capture_output=True, text=True, timeout=30)
    assert run.returncode != 0
    deadline = time.monotonic() + 5
    while "TLS handshake for verify.twilio.com failed" not in emulator.output() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "does not trust the emulator's CA" in emulator.output() or "if the client does not trust" in emulator.output()


def failed_start(*args, env=None):
    run = subprocess.run([binary(), "--db", ":memory:", "--port", str(free_port()), *args],
                         capture_output=True, text=True, timeout=30, env={**os.environ, **(env or {})})
    assert run.returncode != 0
    lines = [line for line in (run.stderr + run.stdout).splitlines() if line.strip()]
    assert "Traceback" not in run.stderr and "Fatal error" not in run.stderr
    return lines


def test_unwritable_and_corrupt_data_folders_are_one_clear_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    lines = failed_start("--data-dir", str(blocker / "data"))
    assert any("cannot create the data folder" in line and "--data-dir" in line for line in lines), lines
    # the same through the variable
    lines = failed_start(env={"VERIFY_EMULATOR_DATA_DIR": str(blocker / "data")})
    assert any("cannot create the data folder" in line for line in lines), lines

    data = tmp_path / "data"
    subprocess.run([binary(), "ca", "--data-dir", str(data)], check=True, capture_output=True)
    (data / "ca" / "ca-key.pem").write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    lines = failed_start("--data-dir", str(data))
    assert any("ca-key.pem" in line and "--renew" in line for line in lines), lines
    # `ca --renew` is the way out
    subprocess.run([binary(), "ca", "--renew", "--data-dir", str(data)], check=True, capture_output=True)
    with start(data) as emulator:
        assert "BEGIN CERTIFICATE" in emulator.ca_pem()


def test_a_busy_tls_port_is_one_clear_line(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        lines = failed_start("--data-dir", str(tmp_path / "data"), "--tls-port", str(port))
    assert any(f"cannot listen on 127.0.0.1:{port} (--tls-port): address already in use" in line for line in lines), lines


def test_env_formats_and_bad_flags(tmp_path):
    data = tmp_path / "data"
    sh = subprocess.run([binary(), "env", "--port", "4999", "--data-dir", str(data)], capture_output=True, text=True,
                        check=True).stdout
    assert "export HTTPS_PROXY='http://127.0.0.1:4999'" in sh and "export https_proxy=" in sh
    assert f"export SSL_CERT_FILE='{data}/ca-bundle.pem'" in sh and "NODE_EXTRA_CA_CERTS" in sh
    assert "-Djavax.net.ssl.trustStore=" in sh and "export NO_PROXY='localhost,127.0.0.1,::1'" in sh
    # it is valid sh: eval'd by a shell, the variables come out
    shown = subprocess.run(["sh", "-c", f"{sh}\nprintf '%s|%s' \"$HTTPS_PROXY\" \"$JAVA_TOOL_OPTIONS\""],
                           capture_output=True, text=True, check=True).stdout
    assert shown.startswith("http://127.0.0.1:4999|-Dhttps.proxyHost=127.0.0.1 -Dhttps.proxyPort=4999")
    fish = subprocess.run([binary(), "env", "--shell", "fish", "--data-dir", str(data)], capture_output=True,
                          text=True, check=True).stdout
    assert "set -gx HTTPS_PROXY 'http://127.0.0.1:4010'" in fish
    powershell = subprocess.run([binary(), "env", "--shell", "powershell", "--data-dir", str(data),
                                 "--proxy", "http://verify-emulator:4010"], capture_output=True, text=True,
                                check=True).stdout
    assert "$env:HTTPS_PROXY = 'http://verify-emulator:4010'" in powershell
    for bad, message in [(["--shell", "zsh"], "--shell 'zsh': must be sh, fish or powershell"),
                         (["--format", "json"], "--format 'json': must be dotenv"),
                         (["--proxy", "https://x"], "--proxy 'https://x': must be an http:// URL")]:
        run = subprocess.run([binary(), "env", "--data-dir", str(data), *bad], capture_output=True, text=True)
        assert run.returncode != 0 and message in run.stderr, run.stderr


def test_certifi_install_lets_a_client_that_trusts_only_certifi_through(proxied, tmp_path):
    """twilio-python 6.x sends with Session.send and no environment settings: it trusts only
    certifi's file. `ca --install-certifi VENV` adds the CA there (once), `--uninstall-certifi`
    takes it out."""
    emulator, data, environment = proxied
    import certifi
    site = tmp_path / "venv" / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    shutil.copytree(Path(certifi.__file__).parent, site / "certifi")
    bundle = site / "certifi" / "cacert.pem"
    for _ in range(2):
        installed = subprocess.run([binary(), "ca", "--data-dir", str(data), "--install-certifi", str(tmp_path / "venv")],
                                   capture_output=True, text=True, check=True).stdout
        assert f"added the CA to {bundle}" in installed
    assert bundle.read_text().count("BEGIN verify-emulator local CA") == 1
    script = tmp_path / "six.py"
    script.write_text(textwrap.dedent(f"""
        import requests
        session = requests.Session()
        prepared = session.prepare_request(requests.Request(
            "GET", "https://verify.twilio.com/v2/Services/{SERVICE}", auth=("{ACCOUNT}", "{TOKEN}")))
        response = session.send(prepared)   # as twilio 6.x does: verify=True means certifi
        print(response.status_code, response.json()["sid"])
    """))
    without_bundle = {k: v for k, v in environment.items() if k not in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")}
    run = subprocess.run([sys.executable, str(script)], env={**without_bundle, "PYTHONPATH": str(site)},
                         capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == f"200 {SERVICE}", run.stderr
    subprocess.run([binary(), "ca", "--data-dir", str(data), "--uninstall-certifi", str(tmp_path / "venv")], check=True,
                   capture_output=True)
    assert "verify-emulator" not in bundle.read_text()
    run = subprocess.run([sys.executable, str(script)], env={**without_bundle, "PYTHONPATH": str(site)},
                         capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and "CERTIFICATE_VERIFY_FAILED" in run.stderr
    missing = subprocess.run([binary(), "ca", "--data-dir", str(data), "--install-certifi", str(tmp_path)],
                             capture_output=True, text=True)
    assert missing.returncode != 0 and f"no certifi bundle under {tmp_path}" in missing.stderr


def test_python_helper_env_and_pytest_option(tmp_path):
    """Emulator.env() builds the environment from /emulator/v1/ca.pem alone (an emulator in a
    container works the same), and `pytest --verify-emulator-proxy` applies it to the test
    process, so an app's unmodified code is tested."""
    app = tmp_path / "app.py"
    app.write_text(textwrap.dedent(f"""
        from twilio.rest import Client

        def send_code(phone):
            # the app's own code: a new client per call, no base_url anywhere
            return Client("{ACCOUNT}", "{TOKEN}").verify.v2.services("{SERVICE}").verifications.create(
                to=phone, channel="sms")

        def check_code(phone, code):
            return Client("{ACCOUNT}", "{TOKEN}").verify.v2.services("{SERVICE}").verification_checks.create(
                to=phone, code=code).status

        async def send_code_async(phone):
            # twilio's aiohttp client, which reads no proxy variables by itself
            from twilio.http.async_http_client import AsyncTwilioHttpClient
            client = Client("{ACCOUNT}", "{TOKEN}", http_client=AsyncTwilioHttpClient())
            try:
                return await client.verify.v2.services("{SERVICE}").verifications.create_async(to=phone, channel="sms")
            finally:
                await client.http_client.close()
    """))
    (tmp_path / "test_app.py").write_text(textwrap.dedent("""
        import asyncio
        import app

        def test_login(verify_emulator):
            verification = app.send_code("+15005550006")
            assert verification.url.startswith("https://verify.twilio.com/v2/")
            assert app.check_code("+15005550006", verify_emulator.wait_for_code("+15005550006")) == "approved"

        def test_login_async(verify_emulator):
            verification = asyncio.run(app.send_code_async("+15005550007"))
            assert verification.url.startswith("https://verify.twilio.com/v2/")
    """))
    environment = {k: v for k, v in os.environ.items() if not k.upper().endswith("_PROXY")}
    environment["VERIFY_EMULATOR_BIN"] = os.path.abspath(binary())
    environment["VERIFY_EMULATOR_ARGS"] = f"--data-dir {tmp_path / 'data'}"
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--verify-emulator-proxy",
                          "test_app.py"], cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "2 passed" in run.stdout, run.stdout + run.stderr
    # without the option the same test does not reach the emulator (a dead proxy stands in for
    # the network here, so nothing leaves the machine)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_app.py"], cwd=tmp_path,
                         env={**environment, "HTTPS_PROXY": "http://127.0.0.1:9"}, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode != 0 and "2 failed" in run.stdout


def test_third_party_django_twilio_2fa_unmodified(proxied):
    """django-twilio-2fa, as PyPI serves it: a Django site logs a user in with the code the
    emulator "sent", with zero changed lines of the package (which hard-codes no URL but builds a
    fresh twilio Client for every call, so no base_url could be set on it)."""
    emulator, _, environment = proxied
    run = subprocess.run(
        [sys.executable, str(HERE / "third_party" / "django_twilio_2fa_site.py"), ACCOUNT, TOKEN, SERVICE, emulator.url],
        env=environment, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert '"wrong": false' in run.stdout and '"right": true' in run.stdout, run.stdout
    assert any(entry["path"].endswith("/VerificationCheck") and entry["status"] == 200
               for entry in emulator.get("/emulator/v1/requests")["requests"])


def test_the_compose_example_app_runs_unchanged(proxied):
    """examples/no-code-change/send_code.py, which the compose profile runs, sends a code with
    nothing but the environment (here the proxy's; in compose the alias and the TLS listener's)."""
    emulator, _, environment = proxied
    environment.update({"TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_VERIFY_SERVICE_SID": SERVICE})
    run = subprocess.run([sys.executable, str(HERE.parents[1] / "examples" / "no-code-change" / "send_code.py")],
                         env=environment, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "(pending) through https://verify.twilio.com/v2/Services/" in run.stdout
    assert emulator.messages("+15005550006")[0].code


def test_an_unusable_default_data_folder_is_a_warning_and_the_ca_lives_in_memory(tmp_path):
    """A read-only home (a locked-down container) must not stop an emulator that never uses the
    proxy: the default folder's failure is one warning, and the proxy still works with a CA made
    in memory and served at /emulator/v1/ca.pem."""
    blocker = tmp_path / "home-is-a-file"
    blocker.write_text("")
    # empty is unset (launch can only add to the suite's own environment)
    environment = {"VERIFY_EMULATOR_DATA_DIR": "", "XDG_DATA_HOME": "", "HOME": str(blocker)}
    started = verify_emulator.launch(binary(), port=free_port(), env=environment)
    emulator = verify_emulator.Emulator(started.url, process=started.process, log_path=started.log_path)
    try:
        warning = [line for line in emulator.output().splitlines() if "cannot create the data folder" in line]
        assert len(warning) == 1 and "kept in memory" in warning[0], emulator.output()
        (tmp_path / "ca.pem").write_text(emulator.ca_pem())
        run = subprocess.run(
            ["curl", "-sS", "--proxy", emulator.url, "--cacert", str(tmp_path / "ca.pem"), "-u", f"{ACCOUNT}:{TOKEN}",
             f"https://verify.twilio.com/v2/Services/{SERVICE}"], capture_output=True, text=True, timeout=30)
        assert f'"sid":"{SERVICE}"' in run.stdout, run.stderr
    finally:
        assert emulator.stop() == 0
