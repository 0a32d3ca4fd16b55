import { defineElement } from '../core/define.ts';
import { DhDashboard } from './dashboard.ts';

defineElement('dh-dashboard', DhDashboard);
export { DhDashboard };
