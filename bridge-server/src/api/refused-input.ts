import { BadRequestError, PayloadTooLargeError, type ApiError } from './errors.ts';

/**
 * Failures that are the client's fault although no route threw them: body-parser's errors
 * (size, JSON, charset, Content-Encoding, compressed bytes that do not decompress), and, as a
 * backstop behind validation, PostgreSQL refusing a value as text of its type.
 */

/** SQLSTATEs of class 22 that a value sent by a client causes (a NUL in text, "abc"::uuid, …). */
const INVALID_TEXT_STATES = new Set([
  '22001', // string_data_right_truncation
  '22003', // numeric_value_out_of_range
  '22007', // invalid_datetime_format
  '22008', // datetime_field_overflow
  '22009', // invalid_time_zone_displacement_value: an ISO offset past ±15:59 ("…-23:59")
  '22021', // character_not_in_repertoire: a NUL byte in text
  '22P02', // invalid_text_representation: not a uuid, not an integer
  '22P05', // untranslatable_character: \u0000 in jsonb
]);

interface HttpErrorFields {
  type?: unknown;
  status?: unknown;
  expose?: unknown;
  encoding?: unknown;
  code?: unknown;
}

const fields = (error: unknown): HttpErrorFields =>
  typeof error === 'object' && error !== null ? (error as HttpErrorFields) : {};

/** body-parser's errors (http-errors with `expose`); `contentEncoding` is the request's header. */
export function bodyParserError(error: unknown, limit: string, contentEncoding: string | undefined): ApiError | undefined {
  const { type, status, expose, encoding } = fields(error);
  if (type === 'entity.too.large') return new PayloadTooLargeError(limit);
  if (type === 'entity.parse.failed') return new BadRequestError('The request body is not valid JSON');
  if (type === 'encoding.unsupported') {
    // body-parser answers 415 here; Dockhand's envelope keeps 400 BAD_REQUEST and names the encodings it reads.
    return new BadRequestError(`Unsupported Content-Encoding ${JSON.stringify(String(encoding ?? contentEncoding))}`, {
      encoding: String(encoding ?? contentEncoding),
      supported: ['identity', 'gzip', 'deflate', 'br'],
    });
  }
  if (type === 'charset.unsupported') return new BadRequestError('Unsupported body charset');
  if (type === 'request.aborted') return new BadRequestError('The request was aborted');
  // The decompression stream failed (bytes that are not gzip/deflate/brotli data, or cut short):
  // body-parser passes zlib's error on as a 400 without a type.
  if (expose !== true || status !== 400) return undefined;
  if (contentEncoding && contentEncoding.toLowerCase() !== 'identity') {
    return new BadRequestError(`The request body is not valid ${contentEncoding} data`, { encoding: contentEncoding });
  }
  return new BadRequestError('The request body could not be read');
}

/** PostgreSQL refused a value as text of its type: the input was wrong, not the server. */
export function invalidTextError(error: unknown): ApiError | undefined {
  const { code } = fields(error);
  if (typeof code !== 'string' || !INVALID_TEXT_STATES.has(code)) return undefined;
  return new BadRequestError('The request holds a value that cannot be stored', { sqlState: code });
}
