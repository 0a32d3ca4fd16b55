import { defineElement } from '../core/define.ts';
import { DhSignIn } from './sign-in.ts';

defineElement('dh-sign-in', DhSignIn);
export { DhSignIn };
