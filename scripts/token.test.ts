// The token command's reading of its arguments and the links it prints.
import { describe, expect, it } from 'vitest';
import { linkFor, readTokenArgs } from './token.ts';

describe('readTokenArgs', () => {
  it('reads a reporter token request, the admin token from the environment and the default address', () => {
    expect(readTokenArgs(['--role', 'reporter', '--sites', 'ibrahim-khalil, domiz-1', '--label', 'IK day shift'], { adminToken: 'secret' })).toEqual({
      request: { role: 'reporter', sites: ['ibrahim-khalil', 'domiz-1'], label: 'IK day shift' },
      url: 'http://localhost:8080',
      adminToken: 'secret',
    });
  });

  it('reads an expiry', () => {
    const args = readTokenArgs(['--role', 'viewer', '--label', 'wall', '--expires', '2026-12-31T18:00:00+03:00'], { adminToken: 'secret' });
    expect(args.request.expiresAt).toBe('2026-12-31T18:00:00+03:00');
  });

  it.each([
    [['--role', 'reporter', '--label', 'x', '--admin-token', 'a'], /--sites: a reporter token must name at least one site/],
    [['--role', 'boss', '--label', 'x', '--admin-token', 'a'], /--role/],
    [['--role', 'viewer', '--label', 'x'], /No admin token/],
    [['--role', 'viewer', '--label', 'x', '--admin-token', 'a', '--colour', 'red'], /Unknown option/],
    [['--role', 'viewer', '--label', 'x', '--admin-token', 'a', '--expires', 'tomorrow'], /--expires/],
  ])('refuses %j', (argv, message) => {
    expect(() => readTokenArgs(argv, { adminToken: undefined })).toThrow(message);
  });
});

describe('linkFor', () => {
  it.each([
    ['reporter', 'https://amina.example.org', 'a+b/c', 'https://amina.example.org/report#token=a%2Bb%2Fc'],
    ['viewer', 'http://localhost:8080', 'tok', 'http://localhost:8080/#token=tok'],
  ] as const)('a %s link', (role, url, token, expected) => {
    expect(linkFor(url, role, token)).toBe(expected);
  });
});
