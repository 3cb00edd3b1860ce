/** How urgent something is, on one scale for alerts, hygiene findings and posture findings. */
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/** Every severity, worst first. */
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** For sorting: the worse severity first. */
export function bySeverity(a: Severity, b: Severity): number {
  return SEVERITIES.indexOf(a) - SEVERITIES.indexOf(b);
}

/** Is `s` at least as bad as `floor`? */
export function atLeast(s: Severity, floor: Severity): boolean {
  return SEVERITIES.indexOf(s) <= SEVERITIES.indexOf(floor);
}
