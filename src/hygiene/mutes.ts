import type { Mute } from './digest.js';

/** Suppressed hygiene findings, each until a time. */
export interface MuteList {
  addMute(m: Mute): Promise<void>;
  /** Mutes not yet expired at `now`: an expired one is simply no longer returned. */
  activeMutes(now: Date): Promise<Mute[]>;
}
