import { css, unsafeCSS } from 'lit';

/** The presets `<dh-provider theme="…">` knows. */
export const THEMES = ['neutral', 'shopify', 'wordpress'] as const;
export type ThemeName = (typeof THEMES)[number];

/**
 * Design tokens. Each element reads `var(--dh-…, fallback)` so it looks right with no provider at
 * all; a preset sets the tokens on the provider and they inherit into every nested element. The
 * host page's CSS cannot reach inside the shadow roots, and `all: initial`-style resets on :host
 * keep inherited host styles (fonts, line heights, box sizing) from leaking in.
 */
export const TOKENS: Readonly<Record<ThemeName, Readonly<Record<string, string>>>> = {
  neutral: {
    '--dh-font-family': 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Arabic", sans-serif',
    '--dh-font-size': '14px',
    '--dh-color-text': '#1f2328',
    '--dh-color-text-subdued': '#59636e',
    '--dh-color-surface': '#ffffff',
    '--dh-color-surface-alt': '#f6f8fa',
    '--dh-color-surface-selected': '#ddf4ff',
    '--dh-color-border': '#d1d9e0',
    '--dh-color-accent': '#0969da',
    '--dh-color-accent-text': '#ffffff',
    '--dh-color-critical': '#d1242f',
    '--dh-color-success': '#1a7f37',
    '--dh-color-focus': '#0969da',
    '--dh-radius': '6px',
    '--dh-space': '8px',
    '--dh-row-height': '40px',
  },
  // Polaris-like: Inter-ish system stack, 13px text, soft greys, near-black primary.
  shopify: {
    '--dh-font-family':
      'Inter, -apple-system, BlinkMacSystemFont, "San Francisco", "Segoe UI", Roboto, "Helvetica Neue", sans-serif',
    '--dh-font-size': '13px',
    '--dh-color-text': '#303030',
    '--dh-color-text-subdued': '#616161',
    '--dh-color-surface': '#ffffff',
    '--dh-color-surface-alt': '#f7f7f7',
    '--dh-color-surface-selected': '#f1f1f1',
    '--dh-color-border': '#e3e3e3',
    '--dh-color-accent': '#303030',
    '--dh-color-accent-text': '#ffffff',
    '--dh-color-critical': '#8e1f0b',
    '--dh-color-success': '#0c5132',
    '--dh-color-focus': '#005bd3',
    '--dh-radius': '8px',
    '--dh-space': '8px',
    '--dh-row-height': '36px',
  },
  // wp-admin: its system font stack, 13px, #2271b1 primary, square-ish corners.
  wordpress: {
    '--dh-font-family':
      '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, Oxygen-Sans, Ubuntu, Cantarell, "Helvetica Neue", sans-serif',
    '--dh-font-size': '13px',
    '--dh-color-text': '#1d2327',
    '--dh-color-text-subdued': '#50575e',
    '--dh-color-surface': '#ffffff',
    '--dh-color-surface-alt': '#f6f7f7',
    '--dh-color-surface-selected': '#f0f6fc',
    '--dh-color-border': '#c3c4c7',
    '--dh-color-accent': '#2271b1',
    '--dh-color-accent-text': '#ffffff',
    '--dh-color-critical': '#d63638',
    '--dh-color-success': '#00a32a',
    '--dh-color-focus': '#2271b1',
    '--dh-radius': '3px',
    '--dh-space': '8px',
    '--dh-row-height': '38px',
  },
};

/** `:host([theme=x]) { --dh-…: … }` for every preset, for the provider's shadow root. */
export const themePresets = unsafeCSS(
  THEMES.map(
    (name) =>
      `:host(${name === 'neutral' ? ':not([theme])' : `[theme="${name}"]`}), :host([theme="${name}"]) {${Object.entries(
        TOKENS[name],
      )
        .map(([token, value]) => `${token}: ${value};`)
        .join('')}}`,
  ).join('\n'),
);

/** What every element's shadow root starts with: a clean box the host page cannot restyle. */
export const baseStyles = css`
  :host {
    all: initial;
    display: block;
    box-sizing: border-box;
    font-family: var(--dh-font-family, system-ui, sans-serif);
    font-size: var(--dh-font-size, 14px);
    line-height: 1.4;
    color: var(--dh-color-text, #1f2328);
    direction: inherit;
  }
  /* Each element sets its own dir from its locale (core/dockhand-element.ts); 'all: initial' and
     'inherit' above would otherwise take the parent's direction over it. */
  :host([dir='rtl']) {
    direction: rtl;
  }
  :host([dir='ltr']) {
    direction: ltr;
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  button,
  input,
  select {
    font: inherit;
    color: inherit;
  }
  button {
    cursor: pointer;
    border: 1px solid var(--dh-color-border, #d1d9e0);
    background: var(--dh-color-surface, #fff);
    border-radius: var(--dh-radius, 6px);
    padding: 4px 10px;
    min-height: 30px;
  }
  button.primary {
    background: var(--dh-color-accent, #0969da);
    border-color: var(--dh-color-accent, #0969da);
    color: var(--dh-color-accent-text, #fff);
  }
  input,
  select {
    border: 1px solid var(--dh-color-border, #d1d9e0);
    border-radius: var(--dh-radius, 6px);
    padding: 4px 8px;
    min-height: 30px;
    background: var(--dh-color-surface, #fff);
  }
  :focus-visible {
    outline: 2px solid var(--dh-color-focus, #0969da);
    outline-offset: 1px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
