// Drive a verify-emulator (a local, stateful Twilio Verify) from a Node test suite, with Node's
// standard library only (fetch, child_process, crypto).
//
//   import { Emulator } from "verify-emulator";
//   const emulator = await Emulator.start();          // a fresh emulator on a free port
//   try {
//     // point the twilio SDK at emulator.url, send a code, then:
//     const code = await emulator.waitForCode("+15005550006");
//   } finally {
//     await emulator.stop();
//   }

import { spawn, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  accessSync, closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync,
  renameSync, rmSync, statSync, writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { rootCertificates } from "node:tls";

/** The account an emulator with no accounts configured accepts. */
export const DEFAULT_ACCOUNT_SID = "AC" + "0".repeat(32);
export const DEFAULT_AUTH_TOKEN = "emulator-auth-token";
/** The service such an emulator creates. */
export const DEFAULT_SERVICE_SID = "VA" + "0".repeat(32);

/**
 * The emulator could not be found, started or reached, or refused a control request: the
 * message names what it answered; `status` and `body` keep the answer itself.
 */
export class EmulatorError extends Error {
  constructor(message, { status, body } = {}) {
    super(message);
    this.name = "EmulatorError";
    this.status = status;
    this.body = body;
  }
}

/** A TCP port free on loopback right now. */
export async function freePort() {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The verify-emulator binary: `binary` when given; else the release tarball `release` (a path or
 * an http(s) URL) unpacked in the cache; else `VERIFY_EMULATOR_BIN`, `VERIFY_EMULATOR_RELEASE`,
 * or `verify-emulator` on `PATH`.
 */
export async function findBinary({ binary, release } = {}) {
  if (binary) return checked(binary, "the binary given");
  if (release) return await unpackRelease(release);
  if (process.env.VERIFY_EMULATOR_BIN) return checked(process.env.VERIFY_EMULATOR_BIN, "VERIFY_EMULATOR_BIN");
  if (process.env.VERIFY_EMULATOR_RELEASE) return await unpackRelease(process.env.VERIFY_EMULATOR_RELEASE);
  for (const folder of (process.env.PATH ?? "").split(delimiter)) {
    if (folder && isExecutable(join(folder, "verify-emulator"))) return join(folder, "verify-emulator");
  }
  throw new EmulatorError(
    "verify-emulator not found (looked at VERIFY_EMULATOR_BIN, VERIFY_EMULATOR_RELEASE and PATH): build it with " +
      "`swift build`, set VERIFY_EMULATOR_BIN, or pass { release: <release tarball path or URL> }");
}

function checked(path, what) {
  if (!existsSync(path)) throw new EmulatorError(`verify-emulator not found at ${path} (${what})`);
  if (!isExecutable(path)) throw new EmulatorError(`${path} (${what}) is not an executable file`);
  return path;
}

/** The folder release tarballs are unpacked in, one folder per tarball's SHA-256. */
export function cacheFolder() {
  return process.env.VERIFY_EMULATOR_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "verify-emulator");
}

async function readSource(source, what) {
  if (/^https?:\/\//.test(source)) {
    let response;
    try {
      response = await fetch(source, { signal: AbortSignal.timeout(120_000) });
    } catch (error) {
      throw new EmulatorError(`cannot download ${what} ${source}: ${error.cause?.message ?? error.message}`);
    }
    if (!response.ok) throw new EmulatorError(`cannot download ${what} ${source}: HTTP ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  }
  try {
    return readFileSync(source);
  } catch (error) {
    throw new EmulatorError(`cannot read ${what} ${source}: ${error.code ?? error.message}`);
  }
}

/**
 * Unpacks the release tarball at `source` (a path or URL) into the cache, after checking it
 * against the `.sha256` file beside it; returns the verify-emulator binary inside. A tarball
 * unpacked before is not unpacked again.
 */
export async function unpackRelease(source) {
  const tarball = await readSource(source, "the release tarball");
  const checksum = (await readSource(source + ".sha256", "the release checksum")).toString().trim().split(/\s+/)[0];
  const digest = createHash("sha256").update(tarball).digest("hex");
  if (checksum !== digest) {
    throw new EmulatorError(`the release tarball ${source} does not match its .sha256 (${checksum}): its SHA-256 is ${digest}`);
  }
  const folder = join(cacheFolder(), digest);
  const found = binaryIn(folder);
  if (found) return found;
  mkdirSync(cacheFolder(), { recursive: true });
  const staging = mkdtempSync(join(cacheFolder(), ".unpacking-"));
  try {
    writeFileSync(join(staging, "release.tar.gz"), tarball);
    mkdirSync(join(staging, "tree"));
    execFileSync("tar", ["-xzf", join(staging, "release.tar.gz"), "-C", join(staging, "tree")], { stdio: "pipe" });
    try {
      renameSync(join(staging, "tree"), folder);
    } catch (error) {
      // another process unpacked the same tarball first: its copy is as good
      if (!binaryIn(folder)) throw error;
    }
  } catch (error) {
    if (error instanceof EmulatorError) throw error;
    throw new EmulatorError(`cannot unpack the release tarball ${source}: ${error.stderr?.toString().trim() || error.message}`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const binary = binaryIn(folder);
  if (!binary) throw new EmulatorError(`the release tarball ${source} holds no bin/verify-emulator`);
  return binary;
}

function binaryIn(folder) {
  if (!existsSync(folder)) return null;
  for (const entry of readdirSync(folder)) {
    const candidate = join(folder, entry, "bin", "verify-emulator");
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

async function answers(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

function readLog(path) {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return "";
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// emulators this process started and has not stopped: killed if the process exits first
const running = new Set();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** The system's trusted roots as PEM (OpenSSL's usual files, else Node's own list). */
function systemRoots() {
  for (const path of ["/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/cert.pem", "/etc/pki/tls/certs/ca-bundle.crt"]) {
    try {
      const text = readFileSync(path, "utf8");
      if (text.includes("BEGIN CERTIFICATE") && !text.includes("verify-emulator local CA")) return text;
    } catch {
      // the next candidate
    }
  }
  return rootCertificates.join("\n") + "\n";
}

/**
 * A running emulator: one this object started ({@link Emulator.start}) or one it attached to
 * ({@link Emulator.attach}). Every control call throws {@link EmulatorError} on a refusal.
 */
export class Emulator {
  #child;
  #exit;

  constructor(url, { child = null, logPath = null } = {}) {
    this.url = url.replace(/\/+$/, "");
    this.port = Number(new URL(this.url).port) || 80;
    this.logPath = logPath;
    this.#child = child;
    if (child) {
      running.add(child);
      this.#exit = new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode ?? child.signalCode);
        child.once("exit", (code, signal) => {
          running.delete(child);
          resolve(code ?? signal);
        });
      });
    }
  }

  /**
   * Starts `verify-emulator --port PORT --db DB ...args` on a free port (or `port`) and waits
   * until `/readyz` answers; throws with the emulator's output when it exits first or is not
   * ready within `timeout` milliseconds.
   */
  static async start({ binary, release, args = [], port, db = ":memory:", env = {}, timeout = 30_000, logPath } = {}) {
    const executable = await findBinary({ binary, release });
    port ??= await freePort();
    logPath ??= join(mkdtempSync(join(tmpdir(), "verify-emulator-")), "emulator.log");
    const log = openSync(logPath, "a");
    let child;
    try {
      child = spawn(executable, ["--port", String(port), "--db", db, ...args], {
        stdio: ["ignore", log, log], env: { ...process.env, ...env },
      });
    } finally {
      closeSync(log);
    }
    let failure = null;
    child.once("error", (error) => (failure = error));
    const emulator = new Emulator(`http://127.0.0.1:${port}`, { child, logPath });
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      if (failure) throw new EmulatorError(`cannot run ${executable}: ${failure.message}`);
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new EmulatorError(
          `verify-emulator exited with ${child.exitCode ?? child.signalCode}: ${readLog(logPath)}`);
      }
      if (await answers(emulator.url + "/readyz")) return emulator;
      await sleep(10);
    }
    child.kill("SIGKILL");
    await emulator.#exit;
    throw new EmulatorError(`verify-emulator was not ready within ${timeout / 1000} s: ${readLog(logPath)}`);
  }

  /** An emulator already running at `url` (default `VERIFY_EMULATOR_URL`), once `/readyz` answers 200. */
  static async attach(url = process.env.VERIFY_EMULATOR_URL, { timeout = 10_000 } = {}) {
    if (!url) throw new EmulatorError("no URL to attach to: pass one or set VERIFY_EMULATOR_URL");
    const emulator = new Emulator(url);
    const deadline = Date.now() + timeout;
    while (!(await answers(emulator.url + "/readyz"))) {
      if (Date.now() > deadline) throw new EmulatorError(`no ready verify-emulator at ${url} within ${timeout / 1000} s`);
      await sleep(50);
    }
    return emulator;
  }

  /**
   * Stops a started emulator with SIGTERM (it finishes requests in flight; SIGKILL after
   * `timeout` ms) and returns its exit status; one that already exited gives its status, an
   * attached one is left running (null).
   */
  async stop({ timeout = 10_000 } = {}) {
    const child = this.#child;
    if (!child) return null;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeout);
      await this.#exit;
      clearTimeout(timer);
    }
    return await this.#exit;
  }

  /** The process id of a started emulator; null for an attached one. */
  get pid() {
    return this.#child?.pid ?? null;
  }

  /** What a started emulator has written (its log), so far. */
  output() {
    return this.logPath ? readLog(this.logPath) : "";
  }

  // messages

  /**
   * "Sent" messages, newest first. With `wait` (milliseconds, at most 60 000), when none
   * matches yet the emulator answers as soon as one is sent.
   */
  async messages({ to, serviceSid, verificationSid, accountSid, limit = 50, wait } = {}) {
    const query = { to, service_sid: serviceSid, verification_sid: verificationSid, account_sid: accountSid, limit };
    if (wait) query.wait = `${Math.round(wait)}ms`;
    return (await this.request("GET", "/emulator/v1/messages", { query })).messages;
  }

  /**
   * The newest code sent to `to`, waiting up to `timeout` ms for one (a long poll, no
   * sleeping). With `newerThan` (a message), waits for another one (a resend, a new login).
   */
  async waitForCode(to, { timeout = 10_000, accountSid, newerThan } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const left = deadline - Date.now();
      const wait = newerThan ? undefined : Math.min(Math.max(left, 1), 60_000);
      const [found] = await this.messages({ to, accountSid, limit: 1, wait });
      if (found && (!newerThan || found.sid !== newerThan.sid)) return found.code;
      if (Date.now() >= deadline) throw new EmulatorError(`no code was sent to ${to} within ${timeout / 1000} s`);
      if (newerThan) await sleep(20);
    }
  }

  // clock (each call may name an account: then only that account's own clock)

  /** `{now, epoch_ms, frozen, offset_seconds}`. */
  async clock({ accountSid } = {}) {
    return await this.request("GET", "/emulator/v1/clock", { query: { account_sid: accountSid } });
  }

  /** Moves the clock (code expiry, limit windows, dates) by `seconds`. */
  async advanceClock(seconds, { accountSid } = {}) {
    return await this.#changeClock({ advance_seconds: seconds }, accountSid);
  }

  /** Sets the clock to a UTC time like `2030-01-01T00:00:00Z`; `frozen` stops or starts it. */
  async setClock(when, { frozen, accountSid } = {}) {
    return await this.#changeClock(frozen === undefined ? { set: when } : { set: when, frozen }, accountSid);
  }

  async freezeClock(frozen = true, { accountSid } = {}) {
    return await this.#changeClock({ frozen }, accountSid);
  }

  async #changeClock(body, accountSid) {
    return await this.request("POST", "/emulator/v1/clock", {
      body: accountSid === undefined ? body : { ...body, account_sid: accountSid },
    });
  }

  // accounts, codes, faults, reset

  /** A new account with its own service, data and clock, for one parallel test worker. */
  async createAccount(friendlyName) {
    return await this.request("POST", "/emulator/v1/accounts", { body: friendlyName ? { friendly_name: friendlyName } : {} });
  }

  async deleteAccount(accountSid) {
    await this.request("DELETE", `/emulator/v1/accounts/${encodeURIComponent(accountSid)}`);
  }

  async accounts() {
    return (await this.request("GET", "/emulator/v1/accounts")).accounts;
  }

  /** Every new verification (to `to`, or on `serviceSid`, when given) gets `code`. */
  async fixedCode(code, { to, serviceSid } = {}) {
    await this.request("POST", "/emulator/v1/codes", { body: dropUndefined({ code, to, service_sid: serviceSid }) });
  }

  async clearFixedCode({ to, serviceSid } = {}) {
    await this.request("DELETE", "/emulator/v1/codes", { query: { to, service_sid: serviceSid } });
  }

  /**
   * Adds a fault rule: `fault({ endpoint: "verifications", errorCode: 60410, times: 1 })` makes
   * the next start a Fraud Guard refusal. Returns the rule with its `id`.
   */
  async fault({ endpoint = "any", errorCode, status, message, latencyMs, to, serviceSid, times } = {}) {
    const rule = dropUndefined({ endpoint, latency_ms: latencyMs, to, service_sid: serviceSid, times });
    if (errorCode !== undefined) rule.error = dropUndefined({ code: errorCode, status, message });
    return await this.request("POST", "/emulator/v1/faults", { body: rule });
  }

  async clearFaults() {
    await this.request("DELETE", "/emulator/v1/faults");
  }

  /**
   * Deletes services, verifications, messages and fixed codes (of one account, or all);
   * fixture services come back. Fault rules stay ({@link Emulator#clearFaults}).
   */
  async reset({ accountSid } = {}) {
    await this.request("POST", "/emulator/v1/reset", { query: { account_sid: accountSid } });
  }

  // snapshots

  /** Saves the whole state (database, clock, fault rules) under `name`. */
  async snapshot(name) {
    return await this.request("POST", "/emulator/v1/snapshots", { body: { name } });
  }

  /** Puts the snapshot `name` back. */
  async restore(name) {
    return await this.request("POST", `/emulator/v1/snapshots/${encodeURIComponent(name)}/restore`);
  }

  async snapshots() {
    return (await this.request("GET", "/emulator/v1/snapshots")).snapshots;
  }

  async deleteSnapshot(name) {
    await this.request("DELETE", `/emulator/v1/snapshots/${encodeURIComponent(name)}`);
  }

  // no code change: the proxy and the local CA

  /** The emulator's local CA certificate (PEM), which may sign only twilio.com names. */
  async caPem() {
    let response;
    try {
      response = await fetch(this.url + "/emulator/v1/ca.pem", { signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      throw new EmulatorError(`cannot reach the emulator at ${this.url}: ${error.cause?.message ?? error.message}`);
    }
    const text = await response.text();
    if (!response.ok) throw new EmulatorError(`GET /emulator/v1/ca.pem answered ${response.status}: ${text}`, { status: response.status, body: text });
    return text;
  }

  /**
   * The environment that sends an unmodified app's calls to https://verify.twilio.com to this
   * emulator: its port as the HTTPS proxy (`NO_PROXY` keeps loopback direct) and a CA bundle
   * (the system's roots plus the emulator's CA) for `SSL_CERT_FILE` and friends, with
   * `NODE_EXTRA_CA_CERTS` for Node. The PEM files are written to `folder` (a new temporary
   * folder by default). Pass it to a child process: `spawn("node", ["app.js"], { env: { ...process.env, ...env } })`.
   */
  async env(folder) {
    const target = folder ?? mkdtempSync(join(tmpdir(), "verify-emulator-ca-"));
    mkdirSync(target, { recursive: true });
    const ca = await this.caPem();
    writeFileSync(join(target, "ca.pem"), ca);
    const roots = systemRoots();
    writeFileSync(join(target, "ca-bundle.pem"), roots + (roots.endsWith("\n") ? "" : "\n") + "# verify-emulator local CA\n" + ca);
    const bundle = join(target, "ca-bundle.pem");
    const noProxy = "localhost,127.0.0.1,::1";
    return {
      HTTPS_PROXY: this.url, https_proxy: this.url, HTTP_PROXY: this.url, http_proxy: this.url,
      NO_PROXY: noProxy, no_proxy: noProxy,
      SSL_CERT_FILE: bundle, REQUESTS_CA_BUNDLE: bundle, CURL_CA_BUNDLE: bundle,
      NODE_EXTRA_CA_CERTS: join(target, "ca.pem"),
    };
  }

  // HTTP

  /** One control-API call; its JSON answer (null for an empty one). */
  async request(method, path, { query, body, timeout = 70_000 } = {}) {
    const parameters = new URLSearchParams();
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null) parameters.append(name, String(value));
    }
    const search = parameters.toString();
    const init = { method, headers: {}, signal: AbortSignal.timeout(timeout) };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers["content-type"] = "application/json";
    }
    let response;
    try {
      response = await fetch(this.url + path + (search ? "?" + search : ""), init);
    } catch (error) {
      throw new EmulatorError(`cannot reach the emulator at ${this.url}: ${error.cause?.message ?? error.message}`);
    }
    const text = await response.text();
    if (!response.ok) {
      throw new EmulatorError(`${method} ${path} answered ${response.status}: ${text}`, { status: response.status, body: text });
    }
    return text ? JSON.parse(text) : null;
  }
}

function dropUndefined(object) {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}
