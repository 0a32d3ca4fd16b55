export class MigrationChecksumError extends Error {
  constructor(
    readonly file: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `Migration ${file} was edited after it was applied (applied checksum ${expected.slice(0, 12)}…, file now ${actual.slice(0, 12)}…). ` +
        'Applied migrations are immutable: restore the file and add a new numbered migration instead.',
    );
    this.name = 'MigrationChecksumError';
  }
}

export class MigrationFailedError extends Error {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(`Migration ${file} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'MigrationFailedError';
  }
}

export class InvalidPrincipalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPrincipalError';
  }
}
