import type { Rule } from "../../contract/rule.js";
import { apiPermissionDenied } from "./api-permission-denied.js";
import { appRuntimeError } from "./app-runtime-error.js";
import { badCommand } from "./bad-command.js";
import { badProbeConfig } from "./bad-probe-config.js";
import { configFileMissing } from "./config-file-missing.js";
import { containerRuntimeError } from "./container-runtime-error.js";
import { cpuThrottling } from "./cpu-throttling.js";
import { crashLoopUnknown } from "./crash-loop-unknown.js";
import { dependencyUnavailable } from "./dependency-unavailable.js";
import { diskFull } from "./disk-full.js";
import { evicted } from "./evicted.js";
import { execFormatError } from "./exec-format-error.js";
import { exitsZeroUnderAlways } from "./exits-zero-under-always.js";
import { filePermissionDenied } from "./file-permission-denied.js";
import { imageBuildError } from "./image-build-error.js";
import { imagePullFailure } from "./image-pull-failure.js";
import { initContainerFailure } from "./init-container-failure.js";
import { insufficientPrivileges } from "./insufficient-privileges.js";
import { jobBackoffLimit } from "./job-backoff-limit.js";
import { livenessProbeFailure } from "./liveness-probe-failure.js";
import { lockContention } from "./lock-contention.js";
import { missingConfigReference } from "./missing-config-reference.js";
import { oomKilled } from "./oom-killed.js";
import { portInUse } from "./port-in-use.js";
import { proxyCannotReachIstiod } from "./proxy-cannot-reach-istiod.js";
import { quotaExceeded } from "./quota-exceeded.js";
import { readOnlyFilesystem } from "./read-only-filesystem.js";
import { rolloutStalled } from "./rollout-stalled.js";
import { readinessProbeFailure } from "./readiness-probe-failure.js";
import { sidecarDependency } from "./sidecar-dependency.js";
import { storageUnavailable } from "./storage-unavailable.js";
import { tlsOrClockError } from "./tls-or-clock-error.js";
import { unschedulable } from "./unschedulable.js";

/** Every pod rule, in the order they are documented. */
export const podRules: Rule[] = [
  rolloutStalled,
  oomKilled,
  badCommand,
  imagePullFailure,
  appRuntimeError,
  execFormatError,
  imageBuildError,
  missingConfigReference,
  configFileMissing,
  filePermissionDenied,
  readOnlyFilesystem,
  insufficientPrivileges,
  portInUse,
  dependencyUnavailable,
  livenessProbeFailure,
  readinessProbeFailure,
  badProbeConfig,
  cpuThrottling,
  initContainerFailure,
  sidecarDependency,
  diskFull,
  containerRuntimeError,
  tlsOrClockError,
  lockContention,
  exitsZeroUnderAlways,
  jobBackoffLimit,
  unschedulable,
  evicted,
  quotaExceeded,
  storageUnavailable,
  apiPermissionDenied,
  proxyCannotReachIstiod,
  crashLoopUnknown,
];
