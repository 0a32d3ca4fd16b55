/**
 * @dockhand/elements — the browser SDK and Lit components. The components arrive in their
 * own issues; this entry point already gives a page one script tag to load.
 */
export const DOCKHAND_ELEMENTS_VERSION = '0.1.0';
