// Remembered tokens: a token that authenticated is not hashed and looked up again on every request,
// yet a revocation is honoured at once when announced, and within `rememberMs` when it is not.
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthenticator } from './auth.ts';
import { openSqliteStore } from './storage/sqlite/sqliteStore.ts';
import type { Store } from './storage/store.ts';
import { tempDataDir } from './testing/harness.ts';

let stores: Store[] = [];

afterEach(async () => {
  for (const store of stores) await store.close();
  stores = [];
});

/** A real SQLite store whose token lookups are counted. */
async function countingStore(): Promise<{ store: Store; lookups: () => number }> {
  const store = openSqliteStore(tempDataDir());
  stores.push(store);
  let lookups = 0;
  const findByHash = store.tokens.findByHash.bind(store.tokens);
  store.tokens.findByHash = (hash) => {
    lookups += 1;
    return findByHash(hash);
  };
  return { store, lookups: () => lookups };
}

describe('remembered tokens', () => {
  it('looks a token up once within rememberMs, and again after it, when a revocation made elsewhere is seen', async () => {
    const { store, lookups } = await countingStore();
    let nowMs = 0;
    const auth = createAuthenticator(store, undefined, { rememberMs: 1000, now: () => nowMs });
    const issued = await auth.issue({ role: 'reporter', sites: ['rabia'], label: 'phone' }, '2026-12-01T12:00:00Z');

    const first = await auth.authenticate(issued.token);
    expect(first).toMatchObject({ tokenId: issued.id, role: 'reporter', sites: ['rabia'] });
    for (let i = 0; i < 5; i++) expect(await auth.authenticate(issued.token)).toEqual(first);
    expect(lookups()).toBe(1);

    // Revoked in the store behind this authenticator's back (another instance whose notice was lost):
    // still trusted until rememberMs has passed, never after.
    expect(await store.tokens.revoke(issued.id, '2026-12-01T12:00:01Z')).toBe(true);
    nowMs = 999;
    expect(await auth.authenticate(issued.token)).toEqual(first);
    nowMs = 1000;
    expect(await auth.authenticate(issued.token)).toBeUndefined();
    expect(lookups()).toBe(2);
  });

  it('forgets a revoked token at once, and remembers neither unknown nor revoked tokens', async () => {
    const { store, lookups } = await countingStore();
    const auth = createAuthenticator(store, undefined, { rememberMs: 60_000 });
    const issued = await auth.issue({ role: 'viewer', label: 'wall' }, '2026-12-01T12:00:00Z');
    expect(await auth.authenticate(issued.token)).toMatchObject({ tokenId: issued.id });
    await store.tokens.revoke(issued.id, '2026-12-01T12:00:01Z');
    auth.forget(issued.id);
    expect(await auth.authenticate(issued.token)).toBeUndefined();
    expect(await auth.authenticate(issued.token)).toBeUndefined();
    expect(await auth.authenticate('an-unknown-token-that-someone-guessed')).toBeUndefined();
    expect(await auth.authenticate('an-unknown-token-that-someone-guessed')).toBeUndefined();
    // each of the four was looked up: none was remembered
    expect(lookups()).toBe(5);
  });

  it('keeps nothing from a lookup that a revocation overtook', async () => {
    const { store } = await countingStore();
    const auth = createAuthenticator(store, undefined, { rememberMs: 60_000 });
    const issued = await auth.issue({ role: 'viewer', label: 'wall' }, '2026-12-01T12:00:00Z');
    // The lookup reads the token before the revocation commits; the forget comes while it is in flight.
    const findByHash = store.tokens.findByHash.bind(store.tokens);
    store.tokens.findByHash = async (hash) => {
      const record = await findByHash(hash);
      await store.tokens.revoke(issued.id, '2026-12-01T12:00:01Z');
      auth.forget(issued.id);
      return record;
    };
    // concurrent with the revocation, so either answer is right; what matters is the next one
    await auth.authenticate(issued.token);
    store.tokens.findByHash = findByHash;
    expect(await auth.authenticate(issued.token)).toBeUndefined();
  });

  it('drops the oldest token when full, and looks tokens up every time with rememberMs 0', async () => {
    const { store, lookups } = await countingStore();
    const auth = createAuthenticator(store, undefined, { rememberMs: 60_000, rememberAtMost: 2 });
    const tokens = await Promise.all([1, 2, 3].map((i) => auth.issue({ role: 'viewer', label: `wall ${i}` }, '2026-12-01T12:00:00Z')));
    for (const t of tokens) await auth.authenticate(t.token);
    expect(lookups()).toBe(3);
    await auth.authenticate(tokens[2]!.token);
    await auth.authenticate(tokens[1]!.token);
    expect(lookups()).toBe(3);
    await auth.authenticate(tokens[0]!.token);
    expect(lookups()).toBe(4);

    const always = createAuthenticator(store, undefined);
    await always.authenticate(tokens[0]!.token);
    await always.authenticate(tokens[0]!.token);
    expect(lookups()).toBe(6);
  });
});
