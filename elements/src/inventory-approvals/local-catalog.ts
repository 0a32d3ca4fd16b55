import type { Localizer } from '../core/i18n.ts';

/**
 * Strings of an element that core/i18n.ts does not carry yet, in the same two locales. The
 * element's catalog is picked by the localizer's language (English when it has none) and its
 * numbers are formatted by that localizer, so the text reads as the rest of Dockhand does.
 */
export function localCatalog<K extends string>(catalogs: { en: Record<K, string> } & Record<string, Record<K, string>>) {
  return (l10n: Localizer, key: K, params: Record<string, string | number> = {}): string => {
    const template = catalogs[l10n.language]?.[key] ?? catalogs.en[key] ?? key;
    return template.replace(/\{(\w+)\}/g, (match, name: string) => {
      const value = params[name];
      if (value === undefined) return match;
      return typeof value === 'number' ? l10n.number(value) : value;
    });
  };
}
