/**
 * The standalone fulfillment console: sign in with <dh-sign-in> (password and, when enrolled, a
 * one-time code; the session is kept by the refresh cookie, so a reload stays signed in), then the
 * dashboard, the orders, the approvals and the sync health of every store, all Dockhand elements
 * under one <dh-provider> fed by the console host adapter.
 */
import { html, nothing, render } from 'lit';
import { THEMES, type ThemeName } from '../../elements/src/core/theme.ts';
import { ConsoleHost } from '../../elements/src/hosts/console-host.ts';
import '../../elements/src/index.ts';
import '../../elements/src/dashboard/define.ts';
import '../../elements/src/inventory-approvals/define.ts';
import type { DashboardSelectDetail } from '../../elements/src/dashboard/dashboard.ts';
import type { DhProvider } from '../../elements/src/provider/provider.ts';
import type { SignedInDetail } from '../../elements/src/sign-in/sign-in.ts';

const VIEWS = ['dashboard', 'orders', 'approvals', 'sync'] as const;
type View = (typeof VIEWS)[number];

const STRINGS = {
  en: {
    title: 'Dockhand console',
    signOut: 'Sign out',
    theme: 'Theme',
    language: 'Language',
    sections: 'Sections',
    'view.dashboard': 'Dashboard',
    'view.orders': 'Orders',
    'view.approvals': 'Approvals',
    'view.sync': 'Sync health',
    'theme.neutral': 'Neutral',
    'theme.shopify': 'Shopify admin',
    'theme.wordpress': 'WordPress admin',
    loading: 'Loading…',
  },
  ar: {
    title: 'وحدة تحكم Dockhand',
    signOut: 'تسجيل الخروج',
    theme: 'السمة',
    language: 'اللغة',
    sections: 'الأقسام',
    'view.dashboard': 'لوحة المعلومات',
    'view.orders': 'الطلبات',
    'view.approvals': 'الموافقات',
    'view.sync': 'حالة المزامنة',
    'theme.neutral': 'محايدة',
    'theme.shopify': 'إدارة Shopify',
    'theme.wordpress': 'إدارة WordPress',
    loading: 'جارٍ التحميل…',
  },
} as const;
type StringKey = keyof (typeof STRINGS)['en'];

interface State {
  phase: 'starting' | 'signed-out' | 'signed-in';
  view: View;
  theme: ThemeName;
  language: 'en' | 'ar';
  /** The signed-in person's role: a merchant asks for stock changes, the others decide them. */
  role: string | undefined;
}

const app = document.getElementById('app')!;
const stored = (key: string) => localStorage.getItem(`dockhand.console.${key}`) ?? '';
const state: State = {
  phase: 'starting',
  view: viewOf(location.hash),
  theme: (THEMES as readonly string[]).includes(stored('theme')) ? (stored('theme') as ThemeName) : 'neutral',
  language: stored('language') === 'ar' ? 'ar' : 'en',
  role: undefined,
};

/** Signing out (or a refresh the server refused) shows the sign-in form again. */
const onToken = (token: string | null) => {
  if (!token && state.phase === 'signed-in') update({ phase: 'signed-out' });
};
// The adapter that resumes a session from the refresh cookie; a sign-in replaces it with its own.
let host = new ConsoleHost('', onToken);

function viewOf(hash: string): View {
  const name = hash.replace(/^#\/?/, '');
  return (VIEWS as readonly string[]).includes(name) ? (name as View) : 'dashboard';
}

function t(key: StringKey): string {
  return STRINGS[state.language][key];
}

function update(patch: Partial<State>): void {
  Object.assign(state, patch);
  document.documentElement.lang = state.language;
  document.documentElement.dir = state.language === 'ar' ? 'rtl' : 'ltr';
  document.title = `${t(`view.${state.view}`)} · ${t('title')}`;
  render(template(), app);
}

function onSignedIn(event: CustomEvent<SignedInDetail>): void {
  host = event.detail.host;
  update({ phase: 'signed-in' });
}

async function onSignOut(): Promise<void> {
  await host.signOut();
  update({ phase: 'signed-out' });
}

function onSelect(event: CustomEvent<DashboardSelectDetail>): void {
  const target = event.detail.target;
  location.hash = `#/${target === 'pending-approvals' || target === 'low-stock' ? 'approvals' : 'orders'}`;
}

function template() {
  if (state.phase === 'starting') return html`<p class="login" role="status">${t('loading')}</p>`;
  if (state.phase === 'signed-out') return html`<main class="login"><dh-sign-in @dh-signed-in=${onSignedIn}></dh-sign-in></main>`;
  return html`
    <header class="bar">
      <h1>${t('title')}</h1>
      <nav aria-label=${t('sections')}>
        <ul>
          ${VIEWS.map(
            (view) =>
              html`<li>
                <a href=${`#/${view}`} aria-current=${state.view === view ? 'page' : nothing}>${t(`view.${view}`)}</a>
              </li>`,
          )}
        </ul>
      </nav>
      <label class="inline"
        >${t('theme')}
        <select
          .value=${state.theme}
          @change=${(event: Event) => {
            const theme = (event.target as HTMLSelectElement).value as ThemeName;
            localStorage.setItem('dockhand.console.theme', theme);
            update({ theme });
          }}
        >
          ${THEMES.map((theme) => html`<option value=${theme} ?selected=${theme === state.theme}>${t(`theme.${theme}`)}</option>`)}
        </select></label
      >
      <label class="inline"
        >${t('language')}
        <select
          .value=${state.language}
          @change=${(event: Event) => {
            const language = (event.target as HTMLSelectElement).value === 'ar' ? 'ar' : 'en';
            localStorage.setItem('dockhand.console.language', language);
            update({ language });
          }}
        >
          <option value="en" ?selected=${state.language === 'en'}>English</option>
          <option value="ar" ?selected=${state.language === 'ar'}>العربية</option>
        </select></label
      >
      <button @click=${() => void onSignOut()}>${t('signOut')}</button>
    </header>
    <main class=${state.view}>
      <h2>${t(`view.${state.view}`)}</h2>
      <dh-provider
        .tokenSource=${host}
        theme=${state.theme}
        @dh-ready=${(event: CustomEvent<{ principal: { role?: string } | undefined }>) => update({ role: event.detail.principal?.role })}
        @dh-dashboard-select=${onSelect}
        >${viewTemplate(state.view)}</dh-provider
      >
    </main>
  `;
}

function viewTemplate(view: View) {
  switch (view) {
    case 'dashboard':
      return html`<dh-dashboard></dh-dashboard>`;
    case 'orders':
      return html`<dh-order-table></dh-order-table>`;
    case 'approvals':
      return html`<dh-inventory-approvals mode=${state.role === 'merchant' ? 'merchant' : 'admin'}></dh-inventory-approvals>`;
    case 'sync':
      return html`<dh-dashboard sections="sync" label=${t('view.sync')}></dh-dashboard>`;
  }
}

addEventListener('hashchange', () => update({ view: viewOf(location.hash) }));

// A session kept by the refresh cookie opens without a password.
update({});
void host.refresh().then((token) => update({ phase: token ? 'signed-in' : 'signed-out' }));

declare global {
  interface Window {
    /** For tests and the console's own diagnostics. */
    dockhandConsole?: { host: () => ConsoleHost; provider: () => DhProvider | null };
  }
}
window.dockhandConsole = { host: () => host, provider: () => document.querySelector('dh-provider') };
