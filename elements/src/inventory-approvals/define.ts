import { defineElement } from '../core/define.ts';
import { DhInventoryApprovals } from './inventory-approvals.ts';

defineElement('dh-inventory-approvals', DhInventoryApprovals);
export { DhInventoryApprovals };
