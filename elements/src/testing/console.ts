/**
 * The fulfillment console page (embed-demo/console) opened inside a browser test's page, against
 * the real bridge. Its module is loaded by a variable path: the page is not part of the elements'
 * TypeScript project.
 */
import { until, type Fixture } from './fixture.ts';

const CONSOLE_MODULE = '/embed-demo/console/console.ts';
const CONSOLE_STYLES = '/embed-demo/console/console.css';
const STORED = ['dockhand.console.theme', 'dockhand.console.language'];

export const consoleApp = (): HTMLElement => document.getElementById('app')!;

/** Opens the console signed out, with its stylesheet when the test looks at it. */
export async function openConsole(options: { stylesheet?: boolean } = {}): Promise<void> {
  // A refresh cookie left by another test of this browser would sign the page in as someone else.
  await fetch('/v1/auth/logout', { method: 'POST', credentials: 'include' });
  for (const key of STORED) localStorage.removeItem(key);
  history.replaceState(null, '', location.pathname + location.search);
  if (options.stylesheet) {
    const style = document.createElement('link');
    style.rel = 'stylesheet';
    style.href = CONSOLE_STYLES;
    const loaded = new Promise((resolve) => style.addEventListener('load', resolve, { once: true }));
    document.head.append(style);
    await loaded;
  }
  const root = document.createElement('div');
  root.id = 'app';
  document.body.append(root);
  await import(/* @vite-ignore */ CONSOLE_MODULE);
}

/** Signs in through the console's <dh-sign-in> form and waits for the dashboard. */
export async function signInToConsole(fixture: Fixture): Promise<void> {
  const app = consoleApp();
  await until(() => app.querySelector('dh-sign-in')?.shadowRoot?.querySelector('form') != null, 10_000, 'the sign-in form');
  const form = app.querySelector('dh-sign-in')!.shadowRoot!.querySelector('form')!;
  form.querySelector<HTMLInputElement>('[name=email]')!.value = fixture.email;
  form.querySelector<HTMLInputElement>('[name=password]')!.value = fixture.password;
  form.requestSubmit();
  await until(() => app.querySelector('dh-dashboard') !== null, 10_000, 'the dashboard');
}

/** Removes the console and what it changed on the page. */
export function closeConsole(): void {
  consoleApp().remove();
  for (const key of STORED) localStorage.removeItem(key);
  history.replaceState(null, '', location.pathname + location.search);
  document.documentElement.lang = 'en';
  document.documentElement.dir = '';
}
