import { describe, expect, it } from 'vitest';
import type { ActorAsk, ActorAsks } from '../../src/alerts/asks.js';
import { StaleWriteError } from '../../src/alerts/repository.js';

const T = (m: number) => new Date(Date.UTC(2026, 11, 3, 10, m));
const ask = (id: string, over: Partial<ActorAsk> = {}): ActorAsk => ({
  id,
  groupId: 'g1',
  alertId: 'a1',
  person: { kind: 'iam-user', name: 'alice', account: '123456789012' },
  state: 'pending',
  createdAt: T(0),
  ...over,
});
const ID = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;

/** The ActorAsks contract, for every implementation: `open` gives a fresh store. */
export function actorAsksContract(name: string, open: () => ActorAsks): void {
  describe(`ActorAsks contract: ${name}`, () => {
    it('keeps an ask whole and gives it back with its version', async () => {
      const asks = open();
      await asks.addAsk(ask(ID(1)));
      expect(await asks.ask(ID(1))).toEqual({ ...ask(ID(1)), version: 1 });
      expect(await asks.ask(ID(2))).toBeUndefined();
    });

    it('is due while pending, then at its deadline once asked, and never once answered', async () => {
      const asks = open();
      await asks.addAsk(ask(ID(1)));
      await asks.addAsk(ask(ID(2), { createdAt: T(5) }));
      expect((await asks.dueAsks(T(1))).map((a) => a.id)).toEqual([ID(1)]);
      const first = (await asks.ask(ID(1))) as ActorAsk;
      await asks.saveAsk({ ...first, state: 'asked', user: 'U0ALICE', askedAt: T(1), deadline: T(31) });
      expect((await asks.dueAsks(T(30))).map((a) => a.id)).toEqual([ID(2)]);
      expect((await asks.dueAsks(T(31))).map((a) => a.id)).toEqual([ID(2), ID(1)]);
      const asked = (await asks.ask(ID(1))) as ActorAsk;
      expect(asked).toMatchObject({ state: 'asked', deadline: T(31), version: 2 });
      await asks.saveAsk({ ...asked, state: 'confirmed', reason: 'rotating keys', answeredAt: T(10) });
      expect((await asks.dueAsks(T(60))).map((a) => a.id)).toEqual([ID(2)]);
    });

    it('refuses a save from a stale read', async () => {
      const asks = open();
      await asks.addAsk(ask(ID(1)));
      const read = (await asks.ask(ID(1))) as ActorAsk;
      await asks.saveAsk({ ...read, state: 'unmapped', reason: 'nobody' });
      await expect(asks.saveAsk({ ...read, state: 'asked', user: 'U0X' })).rejects.toBeInstanceOf(
        StaleWriteError,
      );
      expect((await asks.ask(ID(1)))?.state).toBe('unmapped');
    });
  });
}
