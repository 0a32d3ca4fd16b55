import { pino, type Logger } from 'pino';

/** JSON logs; anything that could carry a secret is redacted wherever it appears. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'dockhand' },
      redact: {
        paths: [
          'password',
          '*.password',
          'authorization',
          '*.authorization',
          'headers.authorization',
          'headers.cookie',
          '*.accessToken',
          '*.refreshToken',
          '*.consumerSecret',
          '*.secret',
          'err.config',
        ],
        censor: '[redacted]',
      },
    },
    destination ?? process.stdout,
  );
}
