/**
 * Route argument validation the way the WordPress REST server does it
 * (`WP_REST_Request::has_valid_params` + `rest_validate_value_from_schema`): every bad
 * argument is collected, then one 400 `rest_invalid_param` lists them in `data.params`
 * (message per name) and `data.details` (the full error per name).
 */
import { WpError } from './errors.ts';
import { parseRestDate } from './format.ts';

export type ParamSpec =
  | { type: 'integer'; minimum?: number; maximum?: number; default?: number }
  | { type: 'string'; enum?: readonly string[]; default?: string }
  | { type: 'date-time' }
  | { type: 'boolean'; default?: boolean }
  | { type: 'integer[]'; default?: number[] }
  | { type: 'enum[]'; enum: readonly string[]; default?: string[] };

export type ParamValue = number | string | boolean | number[] | string[] | undefined;

interface ParamFailure {
  code: string;
  message: string;
  data: Record<string, unknown> | null;
}

function isInteger(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value);
  return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) && Number.isInteger(Number(value));
}

function asList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value && typeof value === 'object') return Object.values(value);
  if (typeof value === 'string') return value === '' ? [] : value.split(/[\s,]+/).filter((v) => v !== '');
  return [value];
}

function validateEnum(name: string, value: unknown, allowed: readonly string[]): ParamFailure | null {
  if (typeof value === 'string' && allowed.includes(value)) return null;
  const message = allowed.length === 1 ? `${name} is not ${allowed[0]}.` : `${name} is not one of ${allowed.join(', ')}.`;
  return { code: 'rest_not_in_enum', message, data: null };
}

function validateInteger(name: string, value: unknown, spec: { minimum?: number; maximum?: number }): ParamFailure | null {
  if (!isInteger(value)) return { code: 'rest_invalid_type', message: `${name} is not of type integer.`, data: { param: name } };
  const n = Number(value);
  const { minimum, maximum } = spec;
  if (minimum !== undefined && maximum !== undefined) {
    if (n < minimum || n > maximum) {
      return {
        code: 'rest_out_of_bounds',
        message: `${name} must be between ${minimum} (inclusive) and ${maximum} (inclusive)`,
        data: null,
      };
    }
  } else if (minimum !== undefined && n < minimum) {
    return { code: 'rest_out_of_bounds', message: `${name} must be greater than or equal to ${minimum}`, data: null };
  } else if (maximum !== undefined && n > maximum) {
    return { code: 'rest_out_of_bounds', message: `${name} must be less than or equal to ${maximum}`, data: null };
  }
  return null;
}

function validate(name: string, spec: ParamSpec, value: unknown): { failure: ParamFailure | null; value: ParamValue } {
  switch (spec.type) {
    case 'integer': {
      const failure = validateInteger(name, value, spec);
      return { failure, value: failure ? undefined : Number(value) };
    }
    case 'string': {
      if (typeof value !== 'string')
        return {
          failure: { code: 'rest_invalid_type', message: `${name} is not of type string.`, data: { param: name } },
          value: undefined,
        };
      if (spec.enum) return { failure: validateEnum(name, value, spec.enum), value };
      return { failure: null, value };
    }
    case 'date-time': {
      if (typeof value !== 'string' || parseRestDate(value) === null)
        return { failure: { code: 'rest_invalid_date', message: 'Invalid date.', data: null }, value: undefined };
      return { failure: null, value };
    }
    case 'boolean': {
      const text = String(value).toLowerCase();
      if (value === true || text === 'true' || text === '1') return { failure: null, value: true };
      if (value === false || text === 'false' || text === '0' || text === '') return { failure: null, value: false };
      return {
        failure: { code: 'rest_invalid_type', message: `${name} is not of type boolean.`, data: { param: name } },
        value: undefined,
      };
    }
    case 'integer[]': {
      const items = asList(value);
      for (let i = 0; i < items.length; i++) {
        const failure = validateInteger(`${name}[${i}]`, items[i], {});
        if (failure) return { failure, value: undefined };
      }
      return { failure: null, value: items.map(Number) };
    }
    case 'enum[]': {
      const items = asList(value);
      for (let i = 0; i < items.length; i++) {
        const failure = validateEnum(`${name}[${i}]`, items[i], spec.enum);
        if (failure) return { failure, value: undefined };
      }
      return { failure: null, value: items.map(String) };
    }
  }
}

/** Validates `input` against `specs`; throws the WordPress 400 error, else returns typed values with defaults. */
export function validateParams(specs: Record<string, ParamSpec>, input: Record<string, unknown>): Record<string, ParamValue> {
  const params: Record<string, string> = {};
  const details: Record<string, ParamFailure> = {};
  const out: Record<string, ParamValue> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const raw = input[name];
    if (raw === undefined) {
      out[name] = 'default' in spec ? spec.default : undefined;
      continue;
    }
    const { failure, value } = validate(name, spec, raw);
    if (failure) {
      params[name] = failure.message;
      details[name] = failure;
    } else out[name] = value;
  }
  const names = Object.keys(params);
  if (names.length > 0) {
    throw new WpError('rest_invalid_param', `Invalid parameter(s): ${names.join(', ')}`, { status: 400, params, details });
  }
  return out;
}

export function collectionParams(
  orderby: readonly string[],
  defaults: { orderby: string; order: 'asc' | 'desc' },
): Record<string, ParamSpec> {
  return {
    context: { type: 'string', enum: ['view', 'edit'], default: 'view' },
    page: { type: 'integer', minimum: 1, default: 1 },
    per_page: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
    offset: { type: 'integer' },
    search: { type: 'string' },
    after: { type: 'date-time' },
    before: { type: 'date-time' },
    modified_after: { type: 'date-time' },
    modified_before: { type: 'date-time' },
    dates_are_gmt: { type: 'boolean', default: false },
    include: { type: 'integer[]', default: [] },
    exclude: { type: 'integer[]', default: [] },
    order: { type: 'string', enum: ['asc', 'desc'], default: defaults.order },
    orderby: { type: 'string', enum: orderby, default: defaults.orderby },
  };
}
