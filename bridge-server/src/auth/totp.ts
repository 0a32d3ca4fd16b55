import { Secret, TOTP } from 'otpauth';

const ISSUER = 'Dockhand';

function totpFor(secretBase32: string, label: string): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    secret: Secret.fromBase32(secretBase32),
  });
}

export function newTotpSecret(label: string): { secret: string; uri: string } {
  const secret = new Secret({ size: 20 }).base32;
  return { secret, uri: totpFor(secret, label).toString() };
}

/** Accepts the current code and one period either side, for clock drift. */
export function checkTotp(secretBase32: string, code: string): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  return totpFor(secretBase32, 'check').validate({ token: code, window: 1 }) !== null;
}

export function currentTotp(secretBase32: string): string {
  return totpFor(secretBase32, 'check').generate();
}
