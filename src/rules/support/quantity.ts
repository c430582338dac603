export { formatCpu, formatMemory, jvmHeapOf, parseQuantity, roundMemoryUp } from "../../k8s/quantities.js";
export { formatDuration, parseAge, parseGoDuration } from "../../k8s/durations.js";
