// Runs clients/scenarios.json with this helper: the one behaviour every language's helper shares.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Emulator, EmulatorError } from "../../index.js";

export const scenarios = JSON.parse(readFileSync(new URL("../../../scenarios.json", import.meta.url), "utf8"));

/** A code of the same length that differs from `code` in every digit. */
export function wrong(code) {
  return [...code].map((digit) => String((Number(digit) + 1) % 10)).join("");
}

function codeOf(text, saved) {
  if (text.startsWith("$")) return saved[text.slice(1)];
  if (text.startsWith("!")) return wrong(saved[text.slice(1)]);
  return text;
}

/** An app's plain HTTP call to the Verify API, as the official SDKs make it. */
async function verify(emulator, path, form) {
  const response = await fetch(`${emulator.url}/v2/Services/${scenarios.service_sid}/${path}`, {
    method: "POST",
    headers: {
      authorization: "Basic " + Buffer.from(`${scenarios.account_sid}:${scenarios.auth_token}`).toString("base64"),
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: await response.json() };
}

export async function run(scenario) {
  const emulators = [];
  try {
    for (let index = 0; index < (scenario.emulators ?? 1); index++) emulators.push(await Emulator.start());
    const saved = {};
    for (const step of scenario.steps) {
      const emulator = emulators[step.emulator ?? 0];
      const where = `${scenario.name}: ${JSON.stringify(step)}`;
      switch (step.op) {
        case "send": {
          const { status, body } = await verify(emulator, "Verifications", { To: step.to, Channel: "sms" });
          if (step.error) assert.equal(body.code, step.error, where);
          else assert.deepEqual([status, body.status], [201, "pending"], where);
          break;
        }
        case "check": {
          const { status, body } = await verify(emulator, "VerificationCheck", { To: step.to, Code: codeOf(step.code, saved) });
          if (step.error) assert.equal(body.code, step.error, where);
          else assert.deepEqual([status, body.status], [200, step.status], where);
          break;
        }
        case "wait_for_code":
          saved[step.save] = await emulator.waitForCode(step.to);
          break;
        case "expect":
          assert.equal(saved[step.saved], step.equals, where);
          break;
        case "messages":
          assert.equal((await emulator.messages({ to: step.to })).length, step.count, where);
          break;
        case "advance_clock":
          await emulator.advanceClock(step.seconds);
          break;
        case "fixed_code":
          await emulator.fixedCode(step.code, { to: step.to });
          break;
        case "clear_fixed_code":
          await emulator.clearFixedCode({ to: step.to });
          break;
        case "fault":
          await emulator.fault({ endpoint: step.endpoint, errorCode: step.error_code, times: step.times });
          break;
        case "clear_faults":
          await emulator.clearFaults();
          break;
        case "reset":
          await emulator.reset();
          break;
        case "snapshot":
          await emulator.snapshot(step.name);
          break;
        case "restore":
          if (step.refused) {
            await assert.rejects(emulator.restore(step.name), (error) =>
              error instanceof EmulatorError && error.status === step.refused && error.message.includes(String(step.refused)), where);
          } else {
            await emulator.restore(step.name);
          }
          break;
        case "delete_snapshot":
          await emulator.deleteSnapshot(step.name);
          break;
        default:
          assert.fail(`${scenario.name}: unknown op ${step.op}`);
      }
    }
  } finally {
    for (const emulator of emulators) await emulator.stop();
  }
}
