import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { badRequest } from '../errors.ts';

/**
 * Passwords are stored as scrypt hashes (memory-hard, in Node's standard library):
 * `scrypt$N$r$p$salt$hash`, base64url. N = 2^15, r = 8 (32 MiB, about 60 ms on this class of
 * machine), so a stolen table costs an attacker that much per guess. The parameters travel with
 * each hash, so they can be raised later without breaking stored ones.
 */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      password.normalize('NFKC'),
      salt,
      KEY_LENGTH,
      { ...options, maxmem: 128 * options.N! * options.r! * 2 },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash to compare against when the user is unknown, so both cases take the same time. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  return (dummy ??= hashPassword(randomBytes(12).toString('base64url')));
}

const COMMON = new Set([
  'password123',
  'password1234',
  'qwerty12345',
  'qwertyuiop',
  '1234567890',
  '12345678910',
  'iloveyou123',
  'letmein1234',
  'welcome1234',
  'administrator',
  'changeme123',
]);

/** At least 10 characters, at most 200, not the e-mail, not a well-known password. */
export function checkPasswordPolicy(password: string, email?: string): void {
  if (password.length < 10) throw badRequest('weak-password', 'A password has at least 10 characters.');
  if (password.length > 200) throw badRequest('invalid-password', 'A password has at most 200 characters.');
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || new Set(lower).size < 4) {
    throw badRequest('weak-password', 'This password is too easy to guess; choose another.');
  }
  if (email && lower.includes(email.toLowerCase().split('@')[0]!) && email.split('@')[0]!.length >= 4) {
    throw badRequest('weak-password', 'A password must not contain the e-mail name.');
  }
}

/** A random password for the operator to hand over (cxkpi user create / reset-password). */
export function generatePassword(): string {
  return randomBytes(12).toString('base64url');
}
