"""The README's samples, extracted from README.md itself and run as they stand.

Each sample marked `<!-- readme-sample: KIND -->` runs against fresh servers. Only the ports
change: the README's 4010 and 8000 become free ports, so a busy port on the machine never
fails the suite; `swift run NAME` runs the built binary.
"""
import os
import re
import shutil
import signal
import subprocess
import sys

import pytest
import requests
import yaml

from conftest import ROOT, Emulator, free_port

SAMPLE = re.compile(r"<!-- readme-sample: ([a-z-]+) -->\n```([a-z]+)\n(.*?)\n```", re.S)


def samples(kind):
    text = (ROOT / "README.md").read_text()
    found = [body for marked, _, body in SAMPLE.findall(text) if marked == kind]
    assert found, f"README.md has no sample marked {kind}"
    return found


def with_ports(text, emulator_port, auth_port=None):
    text = re.sub(r"(127\.0\.0\.1|localhost):4010", rf"\g<1>:{emulator_port}", text)
    if auth_port:
        text = re.sub(r"(127\.0\.0\.1|localhost):8000", rf"\g<1>:{auth_port}", text)
    return text


def clean_environment(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "VERIFY_EMULATOR_", "AUTH_"))}
    env.pop("SECRET_KEY", None)
    env.pop("PORT", None)
    env.update(extra)
    return env


def run_shell(script, cwd, env, timeout=60):
    """Runs a sample in bash in a session of its own, and ends whatever it left running."""
    bin_dir = os.path.dirname(os.environ.get("VERIFY_EMULATOR_BIN", str(ROOT / ".build" / "debug" / "verify-emulator")))
    # The samples run servers in the background only (`swift run NAME &`), so `exec` makes each
    # job the server itself, and the sample's own `kill %1` stops it; `healthcheck` and
    # `--version` run in the foreground and return.
    prelude = (
        "set -euo pipefail\n"
        f'swift() {{ case "$1" in run) shift; name="$1"; shift; case "${{1:-}}" in healthcheck|--version|env|ca) '
        f'"{bin_dir}/$name" "$@";; *) exec "{bin_dir}/$name" "$@";; esac;; build) :;; '
        '*) command swift "$@";; esac; }\n'
    )
    process = subprocess.Popen(
        ["bash", "-c", prelude + script], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True, text=True)
    try:
        output, _ = process.communicate(timeout=timeout)
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    return process.returncode, output


@pytest.fixture
def default_emulator(tmp_path):
    emulator = Emulator(":memory:")
    yield emulator
    assert emulator.stop() == 0


def test_the_curl_samples_work_as_pasted(default_emulator, tmp_path):
    outputs = []
    for sample in samples("emulator"):
        code, output = run_shell(with_ports(sample, default_emulator.port), tmp_path, clean_environment())
        assert code == 0, output
        outputs.append(output)
    # the first one starts a verification and checks the code it read: approved
    assert '"status":"approved"' in outputs[0], outputs[0]


def test_the_python_sample_works_as_pasted(default_emulator, tmp_path):
    (sample,) = samples("python")
    script = tmp_path / "sample.py"
    script.write_text(with_ports(sample, default_emulator.port))
    result = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def run_auth_sample(kind, tmp_path):
    """Runs the one sample marked `kind`, which starts an emulator and an auth server, on free ports."""
    (sample,) = samples(kind)
    emulator_port, auth_port = free_port(), free_port()
    env = clean_environment(VERIFY_EMULATOR_PORT=str(emulator_port), PORT=str(auth_port),
                            TWILIO_VERIFY_BASE_URL=f"http://127.0.0.1:{emulator_port}")
    return run_shell(with_ports(sample, emulator_port, auth_port), tmp_path, env)


def test_the_auth_server_sample_works_as_pasted(tmp_path):
    code, output = run_auth_sample("auth-server", tmp_path)
    assert code == 0, output
    assert "This is a protected route" in output, output


def test_the_admin_sample_works_as_pasted(tmp_path):
    code, output = run_auth_sample("auth-admin", tmp_path)
    assert code == 0, output
    assert '"username":"alice"' in output and '"disabled":true' in output, output
    assert '"type":"account.disabled"' in output and '"actor":"admin"' in output, output
    assert '"type":"account.created"' in output, output


def test_the_admin_clients_sample_works_as_pasted(tmp_path):
    code, output = run_auth_sample("oidc-admin", tmp_path)
    assert code == 0, output
    created = re.search(r'"client_secret":"([^"]+)"', output)
    assert created and len(created.group(1)) >= 32, output
    assert output.count('"client_id":"reports"') == 2 and '"source":"admin"' in output, output
    assert output.count('"client_secret"') == 1, output
    assert output.rstrip().endswith('{"ended":0}'), output


def test_the_openid_connect_sample_works_as_pasted(tmp_path):
    """The app signs someone in by phone with Authlib; `python3` is the suite's own, which has it."""
    (sample,) = samples("oidc")
    emulator_port, auth_port = free_port(), free_port()
    env = clean_environment(VERIFY_EMULATOR_PORT=str(emulator_port), PORT=str(auth_port),
                            TWILIO_VERIFY_BASE_URL=f"http://127.0.0.1:{emulator_port}")
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env["PATH"]
    code, output = run_shell(with_ports(sample, emulator_port, auth_port), tmp_path, env)
    assert code == 0, output
    assert "+14155550100 ['sms']" in output, output
    assert "'phone_number_verified': True" in output, output


def test_the_healthcheck_sample_works_as_pasted(tmp_path):
    (sample,) = samples("healthcheck")
    port = free_port()
    code, output = run_shell(sample + "\nwait", tmp_path, clean_environment(VERIFY_EMULATOR_PORT=str(port)))
    assert code == 0, output
    assert f"ready: http://127.0.0.1:{port}/readyz" in output, output


def test_the_no_code_change_sample_works_as_pasted(tmp_path):
    """The first sample of the README's no-code-change section: Twilio's own URL, answered by the
    emulator through its proxy, with only `eval "$(verify-emulator env)"`."""
    (sample,) = samples("no-code-change")
    port = free_port()
    code, output = run_shell(with_ports(sample, port) + "\nwait", tmp_path, clean_environment(
        VERIFY_EMULATOR_PORT=str(port), VERIFY_EMULATOR_DATA_DIR=str(tmp_path / "data")))
    assert code == 0, output
    assert '"status":"pending"' in output and '"url":"https://verify.twilio.com/v2/Services/' in output, output


def test_the_json_logs_sample_works_as_pasted(tmp_path):
    (sample,) = samples("json-logs")
    port = free_port()
    code, output = run_shell(with_ports(sample, port) + "\nwait", tmp_path,
                             clean_environment(VERIFY_EMULATOR_PORT=str(port)))
    assert code == 0, output
    assert re.search(r"^\d{6}$", output, re.M), output


def test_the_python_helper_samples_work_as_pasted(tmp_path):
    env = dict(os.environ, VERIFY_EMULATOR_BIN=os.environ.get(
        "VERIFY_EMULATOR_BIN", str(ROOT / ".build" / "debug" / "verify-emulator")), PYTHONDONTWRITEBYTECODE="1")
    (helper,) = samples("python-helper")
    script = tmp_path / "helper_sample.py"
    script.write_text(helper)
    result = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True,
                            timeout=60, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    (fixture,) = samples("pytest-helper")
    (tmp_path / "test_pasted.py").write_text(fixture)
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_pasted.py"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0 and "1 passed" in result.stdout, result.stdout + result.stderr


def helper_environment(tmp_path):
    return dict(os.environ, VERIFY_EMULATOR_BIN=os.environ.get(
        "VERIFY_EMULATOR_BIN", str(ROOT / ".build" / "debug" / "verify-emulator")),
        VERIFY_EMULATOR_DATA_DIR=str(tmp_path / "data"), VERIFY_EMULATOR_CACHE=str(tmp_path / "cache"))


def run_tool(command, cwd, env, timeout=180):
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    assert result.returncode == 0, f"{command}: {result.stdout}{result.stderr}"
    return result.stdout + result.stderr


def test_the_node_helper_sample_works_as_pasted(tmp_path):
    """`npm install /path/to/clone/clients/node` in an app, then the sample as its test."""
    (sample,) = samples("node-helper")
    env = helper_environment(tmp_path)
    app = tmp_path / "app"
    app.mkdir()
    (app / "package.json").write_text('{"name": "app", "private": true, "type": "module"}')
    run_tool(["npm", "install", "--no-audit", "--no-fund", "--offline", str(ROOT / "clients" / "node")], app, env)
    (app / "login.test.js").write_text(sample)
    output = run_tool(["node", "--test", "login.test.js"], app, env)
    assert "# pass 1" in output and "# fail 0" in output, output


def test_the_go_helper_sample_works_as_pasted(tmp_path):
    """The README's `go mod edit` in a new module, then the sample as its test, offline."""
    (sample,) = samples("go-helper")
    env = dict(helper_environment(tmp_path), GOFLAGS="-mod=mod", GOPROXY="off",
               GOCACHE=os.environ.get("GOCACHE", str(tmp_path / "gocache")))
    app = tmp_path / "app"
    app.mkdir()
    run_tool(["go", "mod", "init", "example.com/app"], app, env)
    instruction = re.search(r"`go mod edit\s+(-require=\S+)\s+(-replace=\S+)`", (ROOT / "README.md").read_text())
    assert instruction, "the README names the go mod edit"
    replace = instruction.group(2).replace("/path/to/clone", str(ROOT))
    run_tool(["go", "mod", "edit", instruction.group(1), replace], app, env)
    (app / "login_test.go").write_text(sample)
    output = run_tool(["go", "test", "-v", "./..."], app, env)
    assert "--- PASS: TestLogin" in output, output


def test_the_java_helper_sample_works_as_pasted(tmp_path):
    """The sample compiled against clients/java/src/main/java and Debian's JUnit 5, then run."""
    (sample,) = samples("java-helper")
    env = helper_environment(tmp_path)
    junit = "/usr/share/java"
    classpath = ":".join(f"{junit}/{jar}.jar" for jar in (
        "junit-jupiter-api", "opentest4j", "junit-platform-commons", "apiguardian-api"))
    (tmp_path / "LoginTest.java").write_text(sample)
    sources = [str(path) for path in (ROOT / "clients" / "java" / "src" / "main" / "java").rglob("*.java")]
    run_tool(["javac", "-d", str(tmp_path / "classes"), "-cp", classpath, *sources, str(tmp_path / "LoginTest.java")],
             tmp_path, env)
    output = run_tool(["java", "-jar", f"{junit}/junit-platform-console-standalone.jar", "--class-path",
                       str(tmp_path / "classes"), "--select-class", "LoginTest", "--disable-banner",
                       "--disable-ansi-colors", "--fail-if-no-tests"], tmp_path, env)
    assert "1 tests successful" in output, output


RECIPE = re.compile(r"<!-- sdk-recipe: ([a-z]+) -->\n```([a-z]+)\n(.*?)\n```", re.S)


def test_every_official_helper_library_has_a_recipe_that_names_the_emulator():
    recipes = {name: body for name, _, body in RECIPE.findall((ROOT / "README.md").read_text())}
    assert set(recipes) == {"node", "go", "java", "csharp", "ruby", "php"}
    for name, body in recipes.items():
        # the emulator's address and its default credentials and service, as pasted
        assert "127.0.0.1" in body and "4010" in body, name
        assert "AC00000000000000000000000000000000" in body and "emulator-auth-token" in body, name
        assert "VA00000000000000000000000000000000" in body and "+15005550006" in body, name


def test_the_node_recipe_parses(tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    (body,) = [body for name, _, body in RECIPE.findall((ROOT / "README.md").read_text()) if name == "node"]
    (tmp_path / "recipe.js").write_text(body)
    result = subprocess.run([node, "--check", str(tmp_path / "recipe.js")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    # and a broken one does not: the check can fail
    (tmp_path / "broken.js").write_text(body.replace(");", "", 1))
    assert subprocess.run([node, "--check", str(tmp_path / "broken.js")], capture_output=True).returncode != 0


def test_the_github_actions_example_starts_waits_and_tests(tmp_path):
    """docs/github-actions.yml, run here as GitHub would run it after its build step: the
    steps that start the emulator, wait on its healthcheck and run the smoke test, each in a
    shell of its own, with the workflow's environment (the port made free)."""
    workflow = yaml.safe_load((ROOT / "docs" / "github-actions.yml").read_text())
    steps = {step.get("name"): step for step in workflow["jobs"]["test"]["steps"]}
    assert workflow["jobs"]["test"]["container"] == "swift:6.3.1-noble"
    assert steps["Build the emulator"]["run"] == "swift build -c release --product verify-emulator"
    binary = os.environ.get("VERIFY_EMULATOR_BIN", str(ROOT / ".build" / "debug" / "verify-emulator"))
    port = free_port()
    environment = clean_environment(**{key: str(value) for key, value in workflow["env"].items()})
    environment.update(VERIFY_EMULATOR_PORT=str(port), RUNNER_TEMP=str(tmp_path))
    started = None
    try:
        for name in ["Start the emulator", "Wait until it is ready", "Run the tests"]:
            step = steps[name]
            env = dict(environment, **{key: with_ports(str(value), port) for key, value in step.get("env", {}).items()})
            script = with_ports(step["run"], port).replace("verify-emulator/.build/release/verify-emulator", binary)
            process = subprocess.Popen(["bash", "-e", "-c", script], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, text=True, start_new_session=True)
            output, _ = process.communicate(timeout=60)
            if started is None:
                started = process
            assert process.returncode == 0, f"{name}: {output}"
            if name == "Wait until it is ready":
                assert f"ready: http://127.0.0.1:{port}/readyz" in output, output
        # the smoke test approved a code the emulator "sent": it shows in its verifications
        verifications = requests.get(f"http://127.0.0.1:{port}/emulator/v1/verifications", timeout=5).json()
        assert [v["status"] for v in verifications["verifications"]] == ["approved"]
    finally:
        if started is not None:
            try:
                os.killpg(started.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass


def outcomes_table(outcomes):
    """The README's outcome catalogue table, as GET /emulator/v1/outcomes says it must read."""
    rows = ["| Numbers | Outcome | On | Answer |", "| --- | --- | --- | --- |"]
    for item in outcomes:
        numbers = item["numbers"]
        if item["on"] == "delivery" and item["error_code"]:
            answer = f"`ErrorCode={item['error_code']}` from the SNA URL"
        elif item["on"] == "delivery" and item["delay_seconds"]:
            answer = f"{item['http_status']}, delivered {item['delay_seconds']:g} s later (emulator time)"
        elif item["on"] == "delivery":
            answer = f"{item['http_status']}, never delivered"
        elif item["delay_seconds"]:
            answer = f"{item['http_status']} after {item['delay_seconds']:g} s"
        else:
            answer = f"{item['http_status']} / {item['error_code']}"
        rows.append(f"| `{numbers[0]}`–`{numbers[-1]}` | `{item['outcome']}`: {item['description']} | {item['on']} | "
                    f"{answer} |")
    return "\n".join(rows)


def test_the_outcome_table_is_the_catalogue_the_emulator_serves(default_emulator):
    served = requests.get(default_emulator.url + "/emulator/v1/outcomes", timeout=5).json()["outcomes"]
    expected = outcomes_table(served)
    text = (ROOT / "README.md").read_text()
    found = re.search(r"<!-- outcomes-table -->\n(.*?)\n<!-- /outcomes-table -->", text, re.S)
    assert found, "README.md has no <!-- outcomes-table --> block"
    assert found.group(1) == expected, "the README's outcome table should read:\n" + expected
