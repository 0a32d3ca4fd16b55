/**
 * @dockhand/elements — the browser SDK and Lit components. Loading this module (or the
 * `dockhand.js` bundle built from it) defines every element; loading it twice is harmless.
 */
export { DOCKHAND_ELEMENTS_VERSION } from './core/version.ts';
export { ApiClient, ApiError, type TokenSource } from './core/api-client.ts';
export { DockhandClient, type Principal } from './core/dockhand-client.ts';
export { EventStream, type StreamEvent } from './core/event-stream.ts';
export { RowStore } from './core/row-store.ts';
export {
  Localizer,
  localizer,
  registerLocale,
  registeredLocales,
  type LocaleMessages,
  type MessageKey,
  type DockhandMessages,
  type RegisterLocaleOptions,
  type TextDirection,
} from './core/i18n.ts';
export { THEMES, TOKENS, type ThemeName } from './core/theme.ts';
export { clientContext, localeContext, principalContext, themeContext } from './core/context.ts';
export { defineElement } from './core/define.ts';
export { TokenHost } from './hosts/token-host.ts';
export { ConsoleHost } from './hosts/console-host.ts';
export { DhProvider } from './provider/define.ts';
export { DhOrderTable } from './order-table/define.ts';
export { DhInventoryApprovals } from './inventory-approvals/define.ts';
export { DhDashboard } from './dashboard/define.ts';
export { DhSignIn } from './sign-in/define.ts';
