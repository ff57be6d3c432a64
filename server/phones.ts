// Phones that may report by SMS: registered by an admin to a reporter token, stored as a keyed hash.
// The number is staff data: it is hashed here and never stored, logged or answered in full.
import { createHmac, randomUUID } from 'node:crypto';
import { maskPhone } from '../shared/phone.ts';
import type { Principal } from './auth.ts';
import type { PhoneRecord, Store } from './storage/store.ts';

/**
 * HMAC-SHA256 of the E.164 number under PHONE_HASH_SECRET, hex. A plain hash of a phone number is
 * no protection (there are few enough numbers to hash them all); keyed, a copy of the database
 * without the setting cannot be searched for one.
 */
export function phoneHash(secret: string, e164: string): string {
  return createHmac('sha256', secret).update(e164, 'utf8').digest('hex');
}

export interface PhoneRegistry {
  /** Registers a number (E.164) to a token; undefined when the number is registered already. */
  register(e164: string, tokenId: string, label: string, nowIso: string): Promise<PhoneRecord | undefined>;
  /** Who a sender is: the principal of the phone's token, or undefined (unknown number, revoked token). */
  principalOf(e164: string): Promise<Principal | undefined>;
}

export function createPhoneRegistry(store: Store, secret: string): PhoneRegistry {
  return {
    async register(e164, tokenId, label, nowIso) {
      const phone: PhoneRecord = { id: randomUUID(), hash: phoneHash(secret, e164), masked: maskPhone(e164), tokenId, label, createdAt: nowIso };
      return (await store.phones.create(phone)) ? phone : undefined;
    },
    async principalOf(e164) {
      const found = await store.phones.findByHash(phoneHash(secret, e164));
      if (!found || found.token.revokedAt) return undefined;
      const { token, phone } = found;
      return {
        tokenId: token.id,
        role: token.role,
        sites: token.sites,
        // The audit log names who sent a report: the token and the phone's label, never the number.
        label: `${token.label} · SMS ${phone.label}`,
        ...(token.exercise ? { exercise: true } : {}),
      };
    },
  };
}
