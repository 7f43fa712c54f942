"""The release tarball of scripts/release.sh, as a CI user downloads it: its checksum, what it
holds, and binaries that start with the Swift runtime inside them. scripts/test.sh builds it and
sets RELEASE_TARBALL; run alone, this module is skipped."""
import hashlib
import json
import os
import re
import subprocess
import tarfile
import time
import urllib.request

import pytest

from conftest import ROOT, free_port

TARBALL = os.environ.get("RELEASE_TARBALL")
pytestmark = pytest.mark.skipif(not TARBALL, reason="scripts/test.sh builds the release and sets RELEASE_TARBALL")
VERSION = (ROOT / "VERSION").read_text().strip()


def test_the_checksum_file_matches_and_names_the_tarball():
    digest = hashlib.sha256(open(TARBALL, "rb").read()).hexdigest()
    line = open(TARBALL + ".sha256").read()
    assert line == f"{digest}  {os.path.basename(TARBALL)}\n"
    assert re.fullmatch(rf"verify-emulator-{re.escape(VERSION)}-linux-\w+\.tar\.gz", os.path.basename(TARBALL))


def test_the_binaries_start_with_their_runtime_inside(tmp_path):
    with tarfile.open(TARBALL) as archive:
        names = archive.getnames()
        archive.extractall(tmp_path, filter="data")
    top = os.path.basename(TARBALL)[: -len(".tar.gz")]
    for name in ["bin/verify-emulator", "bin/auth-server", "bin/auth-login", "README.md", "LICENSE",
                 ".env.example", "fixtures/accounts.json"]:
        assert f"{top}/{name}" in names, name
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    for product in ["verify-emulator", "auth-server", "auth-login"]:
        binary = tmp_path / top / "bin" / product
        version = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30)
        assert version.returncode == 0, version.stderr
        assert version.stdout.startswith(f"{product} {VERSION} (commit ")
        if commit:
            assert commit in version.stdout
        libraries = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
        assert "libswiftCore" not in libraries and "libFoundation" not in libraries, libraries
        # packed relative relocations (Package.swift's releaseLinking): the loader reads 0.4 MB
        # of relocations at start instead of 1.6, which the idle-memory figure counts on
        dynamic = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True).stdout
        assert "(RELR)" in dynamic, f"{product} is linked without DT_RELR"
    # the emulator from the tarball serves, and its healthcheck says so
    emulator = tmp_path / top / "bin" / "verify-emulator"
    port = free_port()
    process = subprocess.Popen([emulator, "--port", str(port), "--db", ":memory:"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            check = subprocess.run([emulator, "healthcheck", "--port", str(port)], capture_output=True, text=True)
            if check.returncode == 0:
                break
            time.sleep(0.05)
        assert check.returncode == 0, check.stderr
        assert check.stdout == f"ready: http://127.0.0.1:{port}/readyz\n"
        # a release build makes the control API's description on its first request (debug builds,
        # which the other suites run, make and check it at start); every build parses the inbox's
        # template on the first page view
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/emulator/v1/openapi.json", timeout=10) as answer:
            assert answer.headers["Content-Type"] == "application/json"
            assert json.load(answer)["paths"]["/emulator/v1/clock"].keys() == {"get", "post"}
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as answer:
            assert answer.headers["Content-Type"].startswith("text/html")
            assert "<h1" in answer.read().decode()
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_readme_release_sample_works_as_pasted(tmp_path):
    """The README's three lines, with its /tmp/dist made this test's own folder; the build is
    warm (scripts/test.sh built the tarball just before), so this packs again in seconds."""
    text = (ROOT / "README.md").read_text()
    (sample,) = re.findall(r"<!-- readme-sample: release -->\n```sh\n(.*?)\n```", text, re.S)
    script = sample.replace("/tmp/dist", str(tmp_path / "dist"))
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=ROOT, capture_output=True, text=True,
                            timeout=1800)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ": OK" in result.stdout, result.stdout
    assert re.search(rf"^verify-emulator {re.escape(VERSION)} \(commit \w+\)$", result.stdout, re.M), result.stdout
