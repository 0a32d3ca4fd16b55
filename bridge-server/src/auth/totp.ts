import { Secret, TOTP } from 'otpauth';

const ISSUER = 'Dockhand';
export const TOTP_PERIOD_SECONDS = 30;

function totpFor(secretBase32: string, label: string): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

export function newTotpSecret(label: string): { secret: string; uri: string } {
  const secret = new Secret({ size: 20 }).base32;
  return { secret, uri: totpFor(secret, label).toString() };
}

const stepAt = (timestamp: number): number => Math.floor(timestamp / 1000 / TOTP_PERIOD_SECONDS);

/**
 * The time step a code belongs to, accepting the current step and one either side for clock
 * drift; undefined when it matches none. A step is usable once: the caller records it
 * (consume_totp_step) and refuses any code at or before the last one accepted (RFC 6238 §5.2).
 */
export function matchTotpStep(secretBase32: string, code: string, timestamp = Date.now()): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = totpFor(secretBase32, 'check').validate({ token: code, window: 1, timestamp });
  return delta === null ? undefined : stepAt(timestamp) + delta;
}

export function currentTotp(secretBase32: string, timestamp = Date.now()): string {
  return totpFor(secretBase32, 'check').generate({ timestamp });
}
