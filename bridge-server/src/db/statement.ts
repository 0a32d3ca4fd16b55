/**
 * A parameterised SQL statement as plain text and values, for the paths that speak to the
 * server below the `postgres` driver's tagged templates (the one-round-trip read path).
 *
 *   statement`select id from orders where store_id = ${storeId} ${after ? statement`and id > ${after}` : statement``}`
 *
 * Values become $1, $2, … in order; a nested statement is spliced in with its placeholders
 * renumbered. Nothing is ever interpolated into the text.
 */
export type StatementValue = string | number | boolean | Date | null | readonly string[];

export interface Statement {
  /** The text with $n placeholders. */
  readonly text: string;
  readonly values: readonly StatementValue[];
  /** The text around the placeholders: one more than there are values. */
  readonly parts: readonly string[];
}

const isStatement = (value: unknown): value is Statement =>
  typeof value === 'object' && value !== null && 'parts' in value && 'values' in value;

export function statement(strings: TemplateStringsArray, ...values: (StatementValue | Statement)[]): Statement {
  const parts = [strings[0]!];
  const flat: StatementValue[] = [];
  const appendText = (text: string) => {
    parts[parts.length - 1] += text;
  };
  values.forEach((value, i) => {
    if (isStatement(value)) {
      appendText(value.parts[0]!);
      value.values.forEach((inner, k) => {
        flat.push(inner);
        parts.push(value.parts[k + 1]!);
      });
      appendText(strings[i + 1]!);
    } else {
      flat.push(value);
      parts.push(strings[i + 1]!);
    }
  });
  const text = parts.reduce((joined, part, i) => (i === 0 ? part : `${joined}$${i}${part}`), '');
  return { text, values: flat, parts };
}
