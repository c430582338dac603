// The table of fields ktriage treats as unchangeable in place, checked against a real kube-apiserver: every
// patch ktriage says is refused gets 422 Invalid, every other one is accepted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane } from "../../scripts/control-plane/cluster.mjs";
import { IMMUTABLE_CASES } from "../k8s/immutable-fields.cases.js";
import type { Plane } from "./scenario.js";

let plane: Plane;

beforeAll(async () => {
  plane = (await startControlPlane()) as Plane;
}, 1_800_000);

afterAll(async () => {
  await plane?.stop();
});

describe("update validation of a real API server", () => {
  it.each(IMMUTABLE_CASES)("$name", async ({ path, object, patch, refused }) => {
    const created = await plane.request("POST", path, object);
    expect(created.status, created.text).toBe(201);
    const patched = await plane.request("PATCH", `${path}/${object.metadata.name}`, patch);
    if (refused.length === 0) expect(patched.status, patched.text).toBe(200);
    else {
      expect(patched.status, patched.text).toBe(422);
      for (const field of refused) expect(patched.text).toContain(field.split(".").at(-1) === "spec" ? "spec" : field.split(".")[0]);
    }
  });
});
