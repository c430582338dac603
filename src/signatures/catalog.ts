import { CONFIG_SIGNATURES } from "./config.js";
import { FILESYSTEM_SIGNATURES } from "./filesystem.js";
import { MESH_SIGNATURES } from "./mesh.js";
import { NETWORK_SIGNATURES } from "./network.js";
import { PLATFORM_SIGNATURES } from "./platform.js";
import { RESOURCE_SIGNATURES } from "./resources.js";
import { RUNTIME_ERROR_SIGNATURES } from "./runtime-errors.js";
import { START_SIGNATURES } from "./start.js";
import type { LogSignature } from "./types.js";

export type { LogSignature } from "./types.js";

/**
 * The one catalog of log lines, for every container (application,
 * istio-proxy, Envoy), split by layer into the files above. Data, not code:
 * add an entry to teach ktriage a new line; each keeps the real line it was
 * written from and where that line was seen.
 */
export const LOG_SIGNATURES: readonly LogSignature[] = [
  ...START_SIGNATURES,
  ...CONFIG_SIGNATURES,
  ...FILESYSTEM_SIGNATURES,
  ...NETWORK_SIGNATURES,
  ...RESOURCE_SIGNATURES,
  ...PLATFORM_SIGNATURES,
  ...MESH_SIGNATURES,
  ...RUNTIME_ERROR_SIGNATURES,
];

/** Signatures that name a container's own cause (Envoy's response texts left out). */
export const CAUSE_SIGNATURES: readonly LogSignature[] = LOG_SIGNATURES.filter((signature) => signature.scope !== "response");

/** Envoy's response and access-log texts, as seen in any container's log. */
export const RESPONSE_SIGNATURES: readonly LogSignature[] = LOG_SIGNATURES.filter((signature) => signature.scope === "response");

export const CATALOG_REFERENCE = "../shared/reference/log-signatures.tsv";
