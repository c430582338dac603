/**
 * The name a pod gets when the evidence never names it (an Events section
 * alone, a status fragment, a log). Commands print it as the placeholder the
 * user fills in; findings say the name is not known.
 */
export const UNNAMED_POD = "<pod>";

export function isUnnamedPod(name: string | undefined): boolean {
  return name === undefined || name === UNNAMED_POD;
}
