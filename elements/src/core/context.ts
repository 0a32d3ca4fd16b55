import { createContext } from '@lit/context';
import type { Localizer } from './i18n.ts';
import type { DockhandClient, Principal } from './dockhand-client.ts';
import type { ThemeName } from './theme.ts';

// String keys, not symbols: two separately loaded copies of Dockhand on one page still find each
// other's provider (the context protocol compares keys with ===).
export const clientContext = createContext<DockhandClient | undefined>('dh-client');
export const principalContext = createContext<Principal | undefined>('dh-principal');
export const localeContext = createContext<Localizer>('dh-locale');
export const themeContext = createContext<ThemeName>('dh-theme');
