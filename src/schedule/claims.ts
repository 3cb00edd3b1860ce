/**
 * Scheduled work done once however many processes run the scheduler. The lease contract: `claim`
 * succeeds for one owner of a run id until `until`; a second owner is refused while the claim holds, and
 * may take it after (the first died). The same owner claiming again is told yes (a retry). A store with
 * conditional writes: a put on the run id that requires no row, or one whose lease has ended.
 */
export interface RunClaims {
  claim(runId: string, owner: string, now: Date, until: Date): Promise<boolean>;
}
