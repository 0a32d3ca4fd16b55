import { defineElement } from '../core/define.ts';
import { DhOrderTable } from './order-table.ts';

defineElement('dh-order-table', DhOrderTable);
export { DhOrderTable };
