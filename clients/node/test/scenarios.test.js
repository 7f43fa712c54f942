import { test } from "node:test";
import { run, scenarios } from "./support/scenarios.js";

for (const scenario of scenarios.scenarios) {
  test(`scenario: ${scenario.name}`, async () => {
    await run(scenario);
  });
}
