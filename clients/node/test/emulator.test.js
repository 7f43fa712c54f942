// Every operation of the Node helper against the built verify-emulator, and the unhappy paths a
// user meets: no binary, a file that is not executable, a busy port, an emulator that never
// becomes ready, a stop after the process died, a refused control call, a bad release tarball.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer as createHTTPServer } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, DEFAULT_SERVICE_SID, Emulator, EmulatorError, findBinary, freePort,
} from "../index.js";

const binary = process.env.VERIFY_EMULATOR_BIN;
const folder = () => mkdtempSync(join(tmpdir(), "verify-emulator-node-test-"));

async function send(emulator, to) {
  const response = await fetch(`${emulator.url}/v2/Services/${DEFAULT_SERVICE_SID}/Verifications`, {
    method: "POST",
    headers: {
      authorization: "Basic " + Buffer.from(`${DEFAULT_ACCOUNT_SID}:${DEFAULT_AUTH_TOKEN}`).toString("base64"),
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ To: to, Channel: "sms" }).toString(),
  });
  assert.equal(response.status, 201, await response.clone().text());
  return await response.json();
}

describe("a started emulator", () => {
  let emulator;
  before(async () => {
    emulator = await Emulator.start({ args: ["--log-level", "info"] });
  });
  after(async () => {
    assert.equal(await emulator.stop(), 0);
  });

  test("answers on its own port; the messages and the long-poll for a code", async () => {
    assert.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(emulator.port, Number(emulator.url.split(":")[2]));
    // waiting first: the code arrives while the poll is open
    const waiting = emulator.waitForCode("+15005550201", { timeout: 5000 });
    setTimeout(() => send(emulator, "+15005550201"), 200);
    const code = await waiting;
    assert.match(code, /^\d{6}$/);
    const [message] = await emulator.messages({ to: "+15005550201" });
    assert.equal(message.code, code);
    assert.equal(message.channel, "sms");
    // a new code, newer than the one seen
    await send(emulator, "+15005550201");
    const again = await emulator.waitForCode("+15005550201", { newerThan: message });
    assert.equal(again, (await emulator.messages({ to: "+15005550201", limit: 1 }))[0].code);
    assert.equal((await emulator.messages({ to: "+15005550201" })).length, 2);
    assert.match(emulator.output(), /verify-emulator/);
  });

  test("no code within the timeout is an error naming the number", async () => {
    const started = Date.now();
    await assert.rejects(emulator.waitForCode("+15005550299", { timeout: 300 }),
      { name: "EmulatorError", message: "no code was sent to +15005550299 within 0.3 s" });
    assert.ok(Date.now() - started < 3000);
  });

  test("the clock: read, moved, set, frozen; an account's own clock moves alone", async () => {
    const before = await emulator.clock();
    const moved = await emulator.advanceClock(90);
    assert.equal(moved.offset_seconds - before.offset_seconds, 90);
    const set = await emulator.setClock("2030-01-01T00:00:00Z", { frozen: true });
    assert.deepEqual([set.now, set.frozen], ["2030-01-01T00:00:00Z", true]);
    assert.equal((await emulator.freezeClock(false)).frozen, false);

    const account = await emulator.createAccount("worker-1");
    assert.match(account.account_sid, /^AC[0-9a-f]{32}$/);
    assert.match(account.service_sid, /^VA[0-9a-f]{32}$/);
    const own = await emulator.advanceClock(600, { accountSid: account.account_sid });
    assert.equal(own.account_sid, account.account_sid);
    assert.equal((await emulator.clock({ accountSid: account.account_sid })).offset_seconds, own.offset_seconds);
    assert.notEqual((await emulator.clock()).offset_seconds, own.offset_seconds);
    assert.ok((await emulator.accounts()).some((listed) => listed.account_sid === account.account_sid));
    await emulator.deleteAccount(account.account_sid);
    assert.ok(!(await emulator.accounts()).some((listed) => listed.account_sid === account.account_sid));
  });

  test("fixed codes, faults, snapshots and reset", async () => {
    await emulator.fixedCode("246810", { serviceSid: DEFAULT_SERVICE_SID });
    await send(emulator, "+15005550202");
    assert.equal(await emulator.waitForCode("+15005550202"), "246810");
    await emulator.clearFixedCode({ serviceSid: DEFAULT_SERVICE_SID });

    const rule = await emulator.fault({ endpoint: "verifications", errorCode: 60203, times: 1 });
    assert.match(rule.id, /^FR/);
    await emulator.clearFaults();
    await send(emulator, "+15005550203");

    await emulator.snapshot("node-helper");
    assert.ok((await emulator.snapshots()).some((snapshot) => snapshot.name === "node-helper"));
    await emulator.reset();
    assert.equal((await emulator.messages({ to: "+15005550203" })).length, 0);
    await emulator.restore("node-helper");
    assert.equal((await emulator.messages({ to: "+15005550203" })).length, 1);
    await emulator.deleteSnapshot("node-helper");
    assert.ok(!(await emulator.snapshots()).some((snapshot) => snapshot.name === "node-helper"));
  });

  test("a refused control call is an EmulatorError with the emulator's answer", async () => {
    await assert.rejects(emulator.fixedCode("1"), (error) => {
      assert.ok(error instanceof EmulatorError);
      assert.equal(error.status, 400);
      assert.match(error.message, /^POST \/emulator\/v1\/codes answered 400: .*code must be 4 to 10 letters or digits/);
      return true;
    });
  });

  test("env(): the proxy and a CA bundle holding the system's roots and the emulator's CA", async () => {
    const target = folder();
    const env = await emulator.env(target);
    assert.equal(env.HTTPS_PROXY, emulator.url);
    assert.equal(env.NO_PROXY, "localhost,127.0.0.1,::1");
    const ca = readFileSync(env.NODE_EXTRA_CA_CERTS, "utf8");
    assert.match(ca, /BEGIN CERTIFICATE/);
    const bundle = readFileSync(env.SSL_CERT_FILE, "utf8");
    assert.ok(bundle.endsWith(ca));
    assert.ok(bundle.split("BEGIN CERTIFICATE").length > 10, "the system's roots are in the bundle");
    // curl through the proxy reaches the emulator as https://verify.twilio.com, trusting the bundle
    const answer = execFileSync("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-u",
      `${DEFAULT_ACCOUNT_SID}:${DEFAULT_AUTH_TOKEN}`, `https://verify.twilio.com/v2/Services/${DEFAULT_SERVICE_SID}`],
    { env: { ...process.env, ...env } }).toString();
    assert.equal(answer, "200");
  });

  test("attach: to this one by URL or VERIFY_EMULATOR_URL; stopping an attached one leaves it running", async () => {
    const attached = await Emulator.attach(emulator.url);
    assert.equal((await attached.clock()).frozen, false);
    assert.equal(await attached.stop(), null);
    process.env.VERIFY_EMULATOR_URL = emulator.url + "/";
    try {
      assert.equal((await Emulator.attach()).url, emulator.url);
    } finally {
      delete process.env.VERIFY_EMULATOR_URL;
    }
    assert.equal((await emulator.clock()).frozen, false);
  });
});

describe("unhappy paths", () => {
  test("attach with no URL, or to a port where nothing runs, is a clear error", async () => {
    await assert.rejects(Emulator.attach(undefined), { message: "no URL to attach to: pass one or set VERIFY_EMULATOR_URL" });
    const port = await freePort();
    await assert.rejects(Emulator.attach(`http://127.0.0.1:${port}`, { timeout: 300 }),
      { message: `no ready verify-emulator at http://127.0.0.1:${port} within 0.3 s` });
  });

  test("a binary that is missing, or a file that is not executable, is named", async () => {
    await assert.rejects(Emulator.start({ binary: "/nonexistent/verify-emulator" }),
      { message: "verify-emulator not found at /nonexistent/verify-emulator (the binary given)" });
    const plain = join(folder(), "verify-emulator");
    writeFileSync(plain, "not a program");
    await assert.rejects(Emulator.start({ binary: plain }), { message: `${plain} (the binary given) is not an executable file` });
    const saved = { bin: process.env.VERIFY_EMULATOR_BIN, path: process.env.PATH };
    try {
      process.env.VERIFY_EMULATOR_BIN = plain;
      await assert.rejects(findBinary(), { message: `${plain} (VERIFY_EMULATOR_BIN) is not an executable file` });
      delete process.env.VERIFY_EMULATOR_BIN;
      process.env.PATH = folder();
      await assert.rejects(findBinary(), /verify-emulator not found \(looked at VERIFY_EMULATOR_BIN, VERIFY_EMULATOR_RELEASE and PATH\)/);
    } finally {
      process.env.VERIFY_EMULATOR_BIN = saved.bin;
      process.env.PATH = saved.path;
    }
  });

  test("a busy port: the emulator's own refusal, at once", async () => {
    const busy = createServer();
    await new Promise((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const { port } = busy.address();
    try {
      const started = Date.now();
      await assert.rejects(Emulator.start({ binary, port }), (error) => {
        assert.ok(error instanceof EmulatorError);
        assert.match(error.message, /^verify-emulator exited with \d+: /);
        assert.match(error.message, new RegExp(`${port}`));
        return true;
      });
      assert.ok(Date.now() - started < 10_000);
    } finally {
      busy.close();
    }
  });

  test("an emulator that never becomes ready: an error within the timeout, the process killed", async () => {
    const hanging = join(folder(), "verify-emulator");
    writeFileSync(hanging, "#!/bin/sh\necho starting but never ready\nexec sleep 30\n");
    chmodSync(hanging, 0o755);
    const started = Date.now();
    await assert.rejects(Emulator.start({ binary: hanging, timeout: 500 }),
      { message: "verify-emulator was not ready within 0.5 s: starting but never ready" });
    assert.ok(Date.now() - started < 3000);
  });

  test("a stop after the process died gives its status and does not throw", async () => {
    const emulator = await Emulator.start({ binary });
    process.kill(emulator.pid, "SIGKILL");
    // killed from outside: the stop reports how it ended, and a second stop is as quiet
    assert.equal(await emulator.stop(), "SIGKILL");
    assert.equal(await emulator.stop(), "SIGKILL");
    await assert.rejects(emulator.clock(), /cannot reach the emulator at http:\/\/127\.0\.0\.1:\d+/);
  });
});

describe("the release tarball", () => {
  // a tarball laid out as scripts/release.sh lays it out; its verify-emulator runs the built one
  function tarball(target) {
    const stage = folder();
    mkdirSync(join(stage, "verify-emulator-0.0.0-linux-test", "bin"), { recursive: true });
    const inner = join(stage, "verify-emulator-0.0.0-linux-test", "bin", "verify-emulator");
    writeFileSync(inner, `#!/bin/sh\nexec "${binary}" "$@"\n`);
    chmodSync(inner, 0o755);
    const path = join(target, "verify-emulator-0.0.0-linux-test.tar.gz");
    execFileSync("tar", ["-czf", path, "-C", stage, "verify-emulator-0.0.0-linux-test"]);
    const digest = createHash("sha256").update(readFileSync(path)).digest("hex");
    writeFileSync(path + ".sha256", `${digest}  verify-emulator-0.0.0-linux-test.tar.gz\n`);
    return { path, digest };
  }

  test("from a path and from a URL: checked, unpacked once in the cache, started", async () => {
    const target = folder();
    const { path, digest } = tarball(target);
    process.env.VERIFY_EMULATOR_CACHE = join(target, "cache");
    const server = createHTTPServer((request, response) => {
      try {
        response.end(readFileSync(join(target, request.url.slice(1))));
      } catch {
        response.writeHead(404).end();
      }
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const unpacked = await findBinary({ release: path });
      assert.equal(unpacked, join(target, "cache", digest, "verify-emulator-0.0.0-linux-test", "bin", "verify-emulator"));
      const emulator = await Emulator.start({ release: `http://127.0.0.1:${server.address().port}/verify-emulator-0.0.0-linux-test.tar.gz` });
      try {
        assert.equal((await emulator.clock()).frozen, false);
      } finally {
        await emulator.stop();
      }
      // a real release tarball, when the test command built one
      if (process.env.RELEASE_TARBALL) {
        const real = await Emulator.start({ release: process.env.RELEASE_TARBALL });
        try {
          assert.ok(existsSync(join(target, "cache")));
          assert.equal((await real.messages()).length, 0);
        } finally {
          await real.stop();
        }
      }
      await assert.rejects(findBinary({ release: `http://127.0.0.1:${server.address().port}/missing.tar.gz` }),
        /cannot download the release tarball http:\/\/127\.0\.0\.1:\d+\/missing\.tar\.gz: HTTP 404/);
    } finally {
      server.close();
      delete process.env.VERIFY_EMULATOR_CACHE;
    }
  });

  test("a tarball that does not match its checksum, or has none, is refused and not unpacked", async () => {
    const target = folder();
    const { path } = tarball(target);
    process.env.VERIFY_EMULATOR_CACHE = join(target, "cache");
    try {
      writeFileSync(path + ".sha256", "0".repeat(64) + "  verify-emulator-0.0.0-linux-test.tar.gz\n");
      await assert.rejects(findBinary({ release: path }), /does not match its \.sha256 \(0{64}\): its SHA-256 is [0-9a-f]{64}$/);
      assert.ok(!existsSync(join(target, "cache")));
      execFileSync("rm", [path + ".sha256"]);
      await assert.rejects(findBinary({ release: path }), new RegExp(`cannot read the release checksum ${path}\\.sha256: ENOENT`));
    } finally {
      delete process.env.VERIFY_EMULATOR_CACHE;
    }
  });
});
