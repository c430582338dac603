import type { Rule } from "../../contract/rule.js";
import { apiVersionRemovedRule } from "./api-version-removed.js";
import { antiAffinityExceedsNodesRule } from "./anti-affinity-exceeds-nodes.js";
import { commandExitsImmediatelyRule } from "./command-exits-immediately.js";
import { commandSingleStringRule } from "./command-single-string.js";
import { commandNotInImageRule } from "./command-not-in-image.js";
import { configMountHidesDirectoryRule } from "./config-mount-hides-directory.js";
import { configReferenceMissingRule } from "./config-reference-missing.js";
import { cpuUnsetRule } from "./cpu-unset.js";
import { envVarDuplicateRule } from "./env-var-duplicate.js";
import { envVarUnsetRule } from "./env-var-unset.js";
import { ephemeralStorageUnboundedRule } from "./ephemeral-storage-unbounded.js";
import { execProbeTimeoutRule } from "./exec-probe-timeout.js";
import { imagePullSecretMissingRule } from "./image-pull-secret-missing.js";
import { imageReferenceInvalidRule } from "./image-reference-invalid.js";
import { imageTagUnpinnedRule } from "./image-tag-unpinned.js";
import { ingressBackendMissingRule } from "./ingress-backend-missing.js";
import { jvmHeapExceedsLimitRule } from "./jvm-heap-exceeds-limit.js";
import { limitBelowRequestRule } from "./limit-below-request.js";
import { livenessBudgetShortRule } from "./liveness-budget-short.js";
import { lowPortNonRootRule } from "./low-port-non-root.js";
import { memoryUnsetRule } from "./memory-unset.js";
import { networkPolicyBlocksDnsRule } from "./network-policy-blocks-dns.js";
import { networkPolicyIsolatesClientsRule } from "./network-policy-isolates-clients.js";
import { networkPolicySelectsNothingRule } from "./network-policy-selects-nothing.js";
import { nodeSelectorUnsatisfiableRule } from "./node-selector-unsatisfiable.js";
import { probeExecNeverSucceedsRule } from "./probe-exec-never-succeeds.js";
import { probeMissingRule } from "./probe-missing.js";
import { probePortUndeclaredRule } from "./probe-port-undeclared.js";
import { probesIdenticalRule } from "./probes-identical.js";
import { pvcMissingRule } from "./pvc-missing.js";
import { quotaWillRejectRule } from "./quota-will-reject.js";
import { rbacVerbsMissingRule } from "./rbac-verbs-missing.js";
import { readOnlyRootWritesRule } from "./read-only-root-writes.js";
import { requestsExceedNodesRule } from "./requests-exceed-nodes.js";
import { restartPolicyInvalidRule } from "./restart-policy-invalid.js";
import { runAsNonRootConflictRule } from "./run-as-non-root-conflict.js";
import { scriptAlwaysFailsRule } from "./script-always-fails.js";
import { selectorMismatchRule } from "./selector-mismatch.js";
import { serviceAccountMissingRule } from "./service-account-missing.js";
import { serviceSelectorMatchesNothingRule } from "./service-selector-matches-nothing.js";
import { serviceTargetPortUndeclaredRule } from "./service-target-port-undeclared.js";
import { statefulSetServiceMissingRule } from "./statefulset-service-missing.js";
import { storageClassMissingRule } from "./storage-class-missing.js";
import { pvcAccessModeConflictRule } from "./pvc-access-mode-conflict.js";
import { pvcCannotBindRule } from "./pvc-cannot-bind.js";
import { sysctlUnsafeRule } from "./sysctl-unsafe.js";
import { unboundedAllocationRule } from "./unbounded-allocation.js";

/**
 * Every manifest rule, in the order they are documented. The mesh checks
 * before injection (reserved sidecar ports, port naming, UID 1337, policies
 * that cut meshed pods off istiod) live in the sidecar and istio layers.
 */
export const manifestRules: Rule[] = [
  // References
  configReferenceMissingRule,
  envVarUnsetRule,
  envVarDuplicateRule,
  imagePullSecretMissingRule,
  serviceAccountMissingRule,
  pvcMissingRule,
  // Probes
  probePortUndeclaredRule,
  probeExecNeverSucceedsRule,
  probesIdenticalRule,
  livenessBudgetShortRule,
  execProbeTimeoutRule,
  probeMissingRule,
  // Resources
  memoryUnsetRule,
  cpuUnsetRule,
  limitBelowRequestRule,
  jvmHeapExceedsLimitRule,
  unboundedAllocationRule,
  requestsExceedNodesRule,
  quotaWillRejectRule,
  ephemeralStorageUnboundedRule,
  // Filesystem and privileges
  readOnlyRootWritesRule,
  configMountHidesDirectoryRule,
  lowPortNonRootRule,
  runAsNonRootConflictRule,
  sysctlUnsafeRule,
  // Commands and images
  imageTagUnpinnedRule,
  imageReferenceInvalidRule,
  commandSingleStringRule,
  commandNotInImageRule,
  scriptAlwaysFailsRule,
  commandExitsImmediatelyRule,
  selectorMismatchRule,
  restartPolicyInvalidRule,
  apiVersionRemovedRule,
  // Scheduling and storage
  nodeSelectorUnsatisfiableRule,
  antiAffinityExceedsNodesRule,
  storageClassMissingRule,
  pvcAccessModeConflictRule,
  pvcCannotBindRule,
  // Networking and RBAC
  serviceSelectorMatchesNothingRule,
  serviceTargetPortUndeclaredRule,
  statefulSetServiceMissingRule,
  ingressBackendMissingRule,
  networkPolicyBlocksDnsRule,
  networkPolicyIsolatesClientsRule,
  networkPolicySelectsNothingRule,
  rbacVerbsMissingRule,
];
