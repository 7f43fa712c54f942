"""The emulator process and its control API (`/emulator/v1`), over the standard library."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Dict, List, Mapping, Optional, Sequence, Union

#: The account an emulator with no accounts configured accepts.
DEFAULT_ACCOUNT_SID = "AC" + "0" * 32
DEFAULT_AUTH_TOKEN = "emulator-auth-token"
#: The service such an emulator creates.
DEFAULT_SERVICE_SID = "VA" + "0" * 32


class EmulatorError(RuntimeError):
    """The emulator could not be started or reached, or refused a control request (the message
    carries its status and Twilio-shaped error)."""


@dataclass(frozen=True)
class Message:
    """One "sent" message, as ``GET /emulator/v1/messages`` lists it."""

    sid: str
    to: str
    channel: str
    body: str
    code: str
    service_sid: str
    verification_sid: str
    account_sid: str
    date_created: str

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> "Message":
        return cls(**{name: str(item.get(name) or "") for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Account:
    """An account made at run time (:meth:`Emulator.create_account`), for one parallel test
    worker: its credentials and the service made with it. Its data and its clock are its own."""

    account_sid: str
    auth_token: str
    service_sid: str
    friendly_name: str

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> "Account":
        return cls(**{name: str(item[name]) for name in cls.__dataclass_fields__})


@dataclass
class Launch:
    """A started emulator process: what :func:`launch` returns."""

    process: subprocess.Popen
    url: str
    port: int
    log_path: Path
    #: Seconds from exec to the first 200 from ``/readyz``.
    ready_after: float


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_binary(binary: Optional[str] = None) -> str:
    """``binary``, else ``VERIFY_EMULATOR_BIN``, else ``verify-emulator`` on ``PATH``."""
    candidate = binary or os.environ.get("VERIFY_EMULATOR_BIN") or shutil.which("verify-emulator")
    if not candidate or not os.access(candidate, os.X_OK):
        raise EmulatorError(
            f"verify-emulator not found (looked at {candidate or 'VERIFY_EMULATOR_BIN and PATH'}): "
            "build it with `swift build`, set VERIFY_EMULATOR_BIN, or download a release"
        )
    return candidate


def launch(
    binary: Optional[str] = None,
    *,
    port: Optional[int] = None,
    db: str = ":memory:",
    args: Sequence[str] = (),
    env: Optional[Mapping[str, str]] = None,
    log_path: Union[str, Path, None] = None,
    timeout: float = 30.0,
) -> Launch:
    """Starts ``verify-emulator --port PORT --db DB ARGS…`` and waits until it is ready.

    Its output (standard output and error) goes to ``log_path`` (a temporary file by default).
    Raises :class:`EmulatorError` with that output when it exits or is not ready in ``timeout``.
    """
    executable = find_binary(binary)
    port = port or free_port()
    if log_path is None:
        log_path = Path(tempfile.mkdtemp(prefix="verify-emulator-")) / "emulator.log"
    log_path = Path(log_path)
    environment = dict(os.environ)
    environment.update(env or {})
    started = time.monotonic()
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [executable, "--port", str(port), "--db", db, *args],
            stdout=log, stderr=subprocess.STDOUT, env=environment)
    url = f"http://127.0.0.1:{port}"
    deadline = started + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EmulatorError(f"verify-emulator exited with {process.returncode}: {_read(log_path)}")
        if _answers(url + "/readyz"):
            return Launch(process, url, port, log_path, time.monotonic() - started)
        time.sleep(0.01)
    process.kill()
    process.wait()
    raise EmulatorError(f"verify-emulator was not ready within {timeout:g} s: {_read(log_path)}")


def _system_roots() -> str:
    """The system's trusted roots as PEM (OpenSSL's default file, else certifi's), or ""."""
    import ssl
    paths = ssl.get_default_verify_paths()
    candidates = [paths.cafile, paths.openssl_cafile, "/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/cert.pem"]
    try:
        import certifi  # type: ignore
        candidates.append(certifi.where())
    except ImportError:
        pass
    for candidate in candidates:
        if candidate and os.path.isfile(candidate):
            text = Path(candidate).read_text(errors="replace")
            # never the emulator's own bundle (an environment applied before): its CA may be old
            if "BEGIN CERTIFICATE" in text and "verify-emulator local CA" not in text:
                return text
    return ""


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""


class Emulator:
    """A running emulator: one this object started (:meth:`start`) or one it attached to
    (:meth:`attach`). Every control call raises :class:`EmulatorError` on a refusal.

        with Emulator.start(args=["--fixed-code", "123456"]) as emulator:
            client.verify.base_url = emulator.url        # the official twilio SDK
            ...
            assert emulator.wait_for_code("+15005550006") == "123456"
    """

    def __init__(self, url: str, *, process: Optional[subprocess.Popen] = None,
                 log_path: Union[str, Path, None] = None) -> None:
        self.url = url.rstrip("/")
        self.port = urllib.parse.urlsplit(self.url).port or 80
        self.process = process
        self.log_path = Path(log_path) if log_path else None

    # MARK: life cycle

    @classmethod
    def start(cls, binary: Optional[str] = None, **options: Any) -> "Emulator":
        """Starts an emulator on a free port (see :func:`launch` for the options)."""
        started = launch(binary, **options)
        return cls(started.url, process=started.process, log_path=started.log_path)

    @classmethod
    def attach(cls, url: str, *, timeout: float = 10.0) -> "Emulator":
        """An emulator already running at ``url``, once its ``/readyz`` answers 200."""
        deadline = time.monotonic() + timeout
        while not _answers(url.rstrip("/") + "/readyz"):
            if time.monotonic() > deadline:
                raise EmulatorError(f"no ready verify-emulator at {url} within {timeout:g} s")
            time.sleep(0.05)
        return cls(url)

    def stop(self, timeout: float = 10.0) -> Optional[int]:
        """Stops a started emulator with SIGTERM (it finishes requests in flight); its exit status.
        An attached one is left running (None)."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def __enter__(self) -> "Emulator":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def output(self) -> str:
        """What a started emulator has written (its log), so far."""
        return _read(self.log_path) if self.log_path else ""

    # MARK: messages

    def messages(self, to: Optional[str] = None, *, service_sid: Optional[str] = None,
                 verification_sid: Optional[str] = None, account_sid: Optional[str] = None,
                 limit: int = 50, wait: Optional[float] = None) -> List[Message]:
        """"Sent" messages, newest first. With ``wait`` (seconds, at most 60), when none matches
        yet the emulator answers as soon as one is sent."""
        query = {"to": to, "service_sid": service_sid, "verification_sid": verification_sid,
                 "account_sid": account_sid, "limit": limit}
        if wait:
            query["wait"] = f"{int(wait * 1000)}ms"
        return [Message.from_json(item) for item in self.get("/emulator/v1/messages", query)["messages"]]

    def wait_for_code(self, to: str, *, timeout: float = 10.0, newer_than: Optional[Message] = None,
                      account_sid: Optional[str] = None) -> str:
        """The newest code sent to ``to`` (by ``account_sid``'s services, when given), waiting up
        to ``timeout`` seconds for one to arrive. With ``newer_than``, waits for a message other
        than that one (a resend, a new login)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            found = self.messages(to, limit=1, account_sid=account_sid,
                                  wait=min(max(left, 0.001), 60) if newer_than is None else None)
            if found and (newer_than is None or found[0].sid != newer_than.sid):
                return found[0].code
            if time.monotonic() >= deadline:
                raise EmulatorError(f"no code was sent to {to} within {timeout:g} s")
            if newer_than is not None:
                time.sleep(0.02)

    # MARK: clock, codes, faults, reset

    # Each clock call takes an ``account_sid``: then it reads or moves only that account's own
    # clock (its codes, send windows, TOTP steps, challenge expiry), for parallel workers that
    # share one emulator, each on an account of its own (:meth:`create_account`).

    def clock(self, *, account_sid: Optional[str] = None) -> Dict[str, Any]:
        """``{"now", "epoch_ms", "frozen", "offset_seconds"}`` (and ``account_sid`` for an account's)."""
        return self.get("/emulator/v1/clock", {"account_sid": account_sid})

    def advance_clock(self, seconds: float, *, account_sid: Optional[str] = None) -> Dict[str, Any]:
        """Moves the emulator clock (code expiry, limit windows, dates) by ``seconds``."""
        return self._change_clock({"advance_seconds": seconds}, account_sid)

    def set_clock(self, when: str, *, frozen: Optional[bool] = None,
                  account_sid: Optional[str] = None) -> Dict[str, Any]:
        """Sets the clock to a UTC time like ``2030-01-01T00:00:00Z``; ``frozen`` stops or starts it."""
        body: Dict[str, Any] = {"set": when}
        if frozen is not None:
            body["frozen"] = frozen
        return self._change_clock(body, account_sid)

    def freeze_clock(self, frozen: bool = True, *, account_sid: Optional[str] = None) -> Dict[str, Any]:
        return self._change_clock({"frozen": frozen}, account_sid)

    def _change_clock(self, body: Dict[str, Any], account_sid: Optional[str]) -> Dict[str, Any]:
        if account_sid is not None:
            body["account_sid"] = account_sid
        return self.post("/emulator/v1/clock", body)

    # MARK: accounts

    def create_account(self, friendly_name: Optional[str] = None) -> Account:
        """A new account with its own service, data and clock, for one parallel test worker."""
        body = {"friendly_name": friendly_name} if friendly_name else {}
        return Account.from_json(self.post("/emulator/v1/accounts", body))

    def delete_account(self, account_sid: str) -> None:
        """Removes an account made by :meth:`create_account`, with everything it holds."""
        self.request("DELETE", f"/emulator/v1/accounts/{account_sid}")

    def accounts(self) -> List[Dict[str, Any]]:
        """``[{"account_sid", "friendly_name", "kind"}]``: configured, then made at run time."""
        return self.get("/emulator/v1/accounts")["accounts"]

    def fixed_code(self, code: str, *, to: Optional[str] = None, service_sid: Optional[str] = None) -> None:
        """Every new verification (to ``to``, or on ``service_sid``, when given) gets ``code``."""
        body = {"code": code}
        if to:
            body["to"] = to
        if service_sid:
            body["service_sid"] = service_sid
        self.post("/emulator/v1/codes", body)

    def clear_fixed_code(self, *, to: Optional[str] = None, service_sid: Optional[str] = None) -> None:
        self.request("DELETE", "/emulator/v1/codes", query={"to": to, "service_sid": service_sid})

    def fault(self, endpoint: str = "any", *, error_code: Optional[int] = None, status: Optional[int] = None,
              message: Optional[str] = None, latency_ms: Optional[int] = None, to: Optional[str] = None,
              service_sid: Optional[str] = None, times: Optional[int] = None) -> Dict[str, Any]:
        """Adds a fault rule: ``fault("verifications", error_code=60410, times=1)`` makes the next
        start a Fraud Guard refusal. Returns the rule with its ``id``."""
        rule: Dict[str, Any] = {"endpoint": endpoint}
        if error_code is not None:
            rule["error"] = {key: value for key, value in
                             {"code": error_code, "status": status, "message": message}.items() if value is not None}
        for key, value in {"latency_ms": latency_ms, "to": to, "service_sid": service_sid, "times": times}.items():
            if value is not None:
                rule[key] = value
        return self.post("/emulator/v1/faults", rule)

    def clear_faults(self) -> None:
        self.request("DELETE", "/emulator/v1/faults")

    def reset(self, account_sid: Optional[str] = None) -> None:
        """Deletes services, verifications, messages and fixed codes (of one account, or all);
        fixture services come back. Fault rules stay (:meth:`clear_faults`)."""
        self.request("POST", "/emulator/v1/reset", query={"account_sid": account_sid})

    # MARK: headless passkeys

    def passkey_register(self, options: Mapping[str, Any], origin: str, *,
                         variant: Optional[str] = None) -> Dict[str, Any]:
        """The registration JSON a browser would post for a passkeys factor's ``options``, from a
        new software passkey the emulator keeps: pass it to Verify's ``VerifyFactor``. ``variant``
        (``wrong_origin``, ``user_not_present``) breaks it on purpose."""
        return self._passkey("register", options, origin, variant)

    def passkey_authenticate(self, options: Mapping[str, Any], origin: str, *,
                             variant: Optional[str] = None) -> Dict[str, Any]:
        """The assertion JSON a browser would post for a passkeys challenge's ``options``: pass
        it to Verify's ``ApproveChallenge``. ``variant`` (``bad_signature``, ``wrong_origin``,
        ``replayed_counter``, ``user_not_present``) breaks it on purpose."""
        return self._passkey("authenticate", options, origin, variant)

    def _passkey(self, ceremony: str, options: Mapping[str, Any], origin: str,
                 variant: Optional[str]) -> Dict[str, Any]:
        body: Dict[str, Any] = {"options": dict(options), "origin": origin}
        if variant is not None:
            body["variant"] = variant
        return self.post(f"/emulator/v1/passkeys/{ceremony}", body)

    # MARK: snapshots

    def snapshot(self, name: str) -> Dict[str, Any]:
        """Saves the whole state (database, clock, fault rules) under ``name``."""
        return self.post("/emulator/v1/snapshots", {"name": name})

    def restore(self, name: str) -> Dict[str, Any]:
        """Puts the snapshot ``name`` back, in milliseconds."""
        return self.request("POST", f"/emulator/v1/snapshots/{urllib.parse.quote(name, safe='')}/restore")

    def snapshots(self) -> List[Dict[str, Any]]:
        return self.get("/emulator/v1/snapshots")["snapshots"]

    def delete_snapshot(self, name: str) -> None:
        self.request("DELETE", f"/emulator/v1/snapshots/{urllib.parse.quote(name, safe='')}")

    def download_database(self, path: Union[str, Path]) -> Path:
        """Writes the current state as a SQLite file (for ``verify-emulator --import``)."""
        path = Path(path)
        with urllib.request.urlopen(self.url + "/emulator/v1/database", timeout=30) as response:
            path.write_bytes(response.read())
        return path

    # MARK: no code change: the proxy and the local CA

    def ca_pem(self) -> str:
        """The emulator's local CA certificate (PEM), which signs its ``*.twilio.com`` certificates
        and may sign no other name."""
        with urllib.request.urlopen(self.url + "/emulator/v1/ca.pem", timeout=10) as response:
            return response.read().decode()

    def env(self, folder: Union[str, Path, None] = None) -> Dict[str, str]:
        """The environment that sends an unmodified app's calls to ``https://verify.twilio.com``
        to this emulator: its port as the HTTPS proxy (``NO_PROXY`` keeps loopback direct), and a
        CA bundle (the system's roots plus the emulator's CA) for ``SSL_CERT_FILE``,
        ``REQUESTS_CA_BUNDLE`` and ``CURL_CA_BUNDLE``, with ``NODE_EXTRA_CA_CERTS`` for Node. The
        two PEM files are written to ``folder`` (a new temporary folder by default)::

            with Emulator.start() as emulator:
                os.environ.update(emulator.env())
                Client(sid, token).verify.v2.services(...)   # no base_url: reaches the emulator

        With the proxy set the process reaches only twilio.com and loopback: add other hosts it
        calls to ``NO_PROXY``."""
        target = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="verify-emulator-ca-"))
        target.mkdir(parents=True, exist_ok=True)
        ca = self.ca_pem()
        (target / "ca.pem").write_text(ca)
        roots = _system_roots()
        (target / "ca-bundle.pem").write_text(
            roots + ("" if not roots or roots.endswith("\n") else "\n") + "# verify-emulator local CA\n" + ca)
        bundle = str(target / "ca-bundle.pem")
        no_proxy = "localhost,127.0.0.1,::1"
        return {
            "HTTPS_PROXY": self.url, "https_proxy": self.url,
            "HTTP_PROXY": self.url, "http_proxy": self.url,
            "NO_PROXY": no_proxy, "no_proxy": no_proxy,
            "SSL_CERT_FILE": bundle, "REQUESTS_CA_BUNDLE": bundle, "CURL_CA_BUNDLE": bundle,
            "NODE_EXTRA_CA_CERTS": str(target / "ca.pem"),
        }

    # MARK: HTTP

    def get(self, path: str, query: Optional[Mapping[str, Any]] = None) -> Any:
        return self.request("GET", path, query=query)

    def post(self, path: str, body: Any) -> Any:
        return self.request("POST", path, body=body)

    def request(self, method: str, path: str, *, query: Optional[Mapping[str, Any]] = None,
                body: Any = None, timeout: float = 70.0) -> Any:
        """One control-API call; its JSON answer (None for 204)."""
        url = self.url + path
        pairs = {key: value for key, value in (query or {}).items() if value is not None}
        if pairs:
            url += "?" + urllib.parse.urlencode(pairs)
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")
            raise EmulatorError(f"{method} {path} answered {error.code}: {detail}") from None
        except (urllib.error.URLError, ConnectionError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise EmulatorError(f"cannot reach the emulator at {self.url}: {reason}") from None
        return json.loads(raw) if raw else None
