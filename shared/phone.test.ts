import { describe, expect, it } from 'vitest';
import { maskPhone, parseE164, senderE164 } from './phone.ts';

describe('phone numbers', () => {
  it.each([
    ['+9647501234512', '+9647501234512'],
    ['+964 750 123 4512', '+9647501234512'],
    ['00964-750-123-4512', '+9647501234512'],
    ['+964 (750) 123.4512', '+9647501234512'],
    ['+٩٦٤٧٥٠١٢٣٤٥١٢', '+9647501234512'],
    ['07501234512', undefined],
    ['9647501234512', undefined],
    ['+0123456789', undefined],
    ['+96475012345123456', undefined],
    ['not a number', undefined],
  ])('an admin writes %j', (raw, expected) => {
    expect(parseE164(raw)).toBe(expected);
  });

  it.each([
    ['+9647501234512', '+9647501234512'],
    ['9647501234512', '+9647501234512'],
    ['009647501234512', '+9647501234512'],
    ['07501234512', '+9647501234512'],
    ['abc', undefined],
    ['', undefined],
  ])('a gateway sends %j', (raw, expected) => {
    expect(senderE164(raw)).toBe(expected);
  });

  it('masks all but the prefix and the last two digits', () => {
    expect(maskPhone('+9647501234512')).toBe('+9647•••••••12');
    expect(maskPhone('+9647501234512')).not.toContain('0123');
  });
});
