/** A fresh self-signed certificate for the HTTPS mode, made at start (never written to disk). */
import { isIP } from 'node:net';
import { generate } from 'selfsigned';

export async function createSelfSignedCertificate(host: string): Promise<{ key: string; cert: string }> {
  const altNames: Array<{ type: 2 | 7; value?: string; ip?: string }> = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
    { type: 7, ip: '::1' },
  ];
  if (isIP(host) && host !== '127.0.0.1' && host !== '::1' && host !== '0.0.0.0' && host !== '::')
    altNames.push({ type: 7, ip: host });
  else if (!isIP(host) && host !== 'localhost') altNames.push({ type: 2, value: host });
  const result = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 30 * 86400 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { key: result.private, cert: result.cert };
}
