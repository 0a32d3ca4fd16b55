import { describe, expect, it } from 'vitest';
import { statement } from './statement.ts';

describe('statement', () => {
  it('turns values into numbered placeholders and never into the text', () => {
    const name = "x'; drop table orders; --";
    const built = statement`select * from stores where name = ${name} and status = ${'active'}`;
    expect(built.text).toBe('select * from stores where name = $1 and status = $2');
    expect(built.values).toEqual([name, 'active']);
  });

  it('splices nested statements in with their placeholders renumbered', () => {
    const after = statement`and (created_at, id) > (${'2026-01-01'}::timestamptz, ${'id-1'}::uuid)`;
    const built = statement`select id from stores where org_id = ${'org'} ${after} order by id limit ${10}`;
    expect(built.text).toBe(
      'select id from stores where org_id = $1 and (created_at, id) > ($2::timestamptz, $3::uuid) order by id limit $4',
    );
    expect(built.values).toEqual(['org', '2026-01-01', 'id-1', 10]);
    const empty = statement`select 1 ${statement``}where true`;
    expect(empty.text).toBe('select 1 where true');
    expect(empty.values).toEqual([]);
  });
});
