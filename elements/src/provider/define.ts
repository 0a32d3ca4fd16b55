import { defineElement } from '../core/define.ts';
import { DhProvider } from './provider.ts';

defineElement('dh-provider', DhProvider);
export { DhProvider };
