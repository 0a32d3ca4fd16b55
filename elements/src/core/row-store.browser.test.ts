import { expect } from 'chai';
import { RowStore } from './row-store.ts';

describe('RowStore', () => {
  it('keeps the first answer as it came and still finds, shares and updates its rows', () => {
    const store = new RowStore();
    const first = [
      { id: 'a', status: 'open' },
      { id: 'b', status: 'open' },
    ];
    const shown = store.remember('order', first);
    expect(shown).to.not.equal(first);
    expect(shown[0]).to.equal(first[0]);
    expect(store.get('order', 'b')).to.equal(first[1]);
    expect(store.get('product', 'b')).to.equal(undefined);
  });

  it('gives a row seen before back as the one object every element holds, with the new fields', () => {
    const store = new RowStore();
    const [a] = store.remember('order', [{ id: 'a', status: 'open', total: '5.00' }]);
    const again = store.remember('order', [
      { id: 'a', status: 'closed' },
      { id: 'c', status: 'open' },
    ]);
    expect(again[0]).to.equal(a);
    expect(a).to.deep.equal({ id: 'a', status: 'closed', total: '5.00' });
    expect(again[1]).to.deep.equal({ id: 'c', status: 'open' });
  });

  it('merges a change into the shared row and tells the row’s and the kind’s subscribers', () => {
    const store = new RowStore();
    const [a] = store.remember('order', [{ id: 'a', status: 'open' }]);
    const heard: string[] = [];
    store.subscribe('order', 'a', (row) => heard.push(`a:${String(row['status'])}`));
    store.subscribe('order', '*', (row) => heard.push(`*:${row.id}`));
    store.merge('order', 'a', { status: 'closed', id: 'forged' });
    expect(a).to.deep.equal({ id: 'a', status: 'closed' });
    store.merge('order', 'z', { status: 'open' });
    expect(heard).to.deep.equal(['a:closed', '*:a', '*:z']);
    expect(store.get('order', 'z')).to.deep.equal({ id: 'z', status: 'open' });
  });
});
