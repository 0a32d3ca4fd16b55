import { css } from 'lit';
import { baseStyles } from '../core/theme.ts';

export const orderTableStyles = [
  baseStyles,
  css`
    :host {
      height: 480px;
      min-height: 240px;
    }
    /* The visible box is inside the shadow root: a host page's "* { border: 0; padding: 0 }" reaches :host, not this. */
    .frame {
      display: flex;
      flex-direction: column;
      height: 100%;
      position: relative;
      background: var(--dh-color-surface, #fff);
      border: 1px solid var(--dh-color-border, #d1d9e0);
      border-radius: var(--dh-radius, 6px);
      overflow: hidden;
    }
    .toolbar,
    .bulk {
      display: flex;
      flex-wrap: wrap;
      gap: var(--dh-space, 8px);
      align-items: center;
      padding: var(--dh-space, 8px);
      border-bottom: 1px solid var(--dh-color-border, #d1d9e0);
    }
    .bulk {
      background: var(--dh-color-surface-alt, #f6f8fa);
    }
    .toolbar input[type='search'] {
      flex: 1 1 200px;
      min-width: 140px;
    }
    details {
      position: relative;
    }
    details > summary {
      list-style: none;
      cursor: pointer;
      border: 1px solid var(--dh-color-border, #d1d9e0);
      border-radius: var(--dh-radius, 6px);
      padding: 4px 10px;
      min-height: 30px;
      display: inline-flex;
      align-items: center;
    }
    details > .menu {
      position: absolute;
      inset-inline-start: 0;
      top: calc(100% + 4px);
      z-index: 3;
      background: var(--dh-color-surface, #fff);
      border: 1px solid var(--dh-color-border, #d1d9e0);
      border-radius: var(--dh-radius, 6px);
      padding: var(--dh-space, 8px);
      display: grid;
      gap: 4px;
      min-width: 200px;
      box-shadow: 0 4px 16px rgb(0 0 0 / 12%);
    }
    .grid {
      flex: 1 1 auto;
      overflow: auto;
      position: relative;
      contain: strict;
      outline: none;
    }
    .grid:focus-visible {
      box-shadow: inset 0 0 0 2px var(--dh-color-focus, #0969da);
    }
    .row {
      display: grid;
      grid-template-columns: var(--columns);
      height: var(--dh-row-height, 40px);
      align-items: center;
      /* The columns' widths summed (fixed, set on the grid): no row measures its content to size itself. */
      min-width: var(--row-width);
      border-bottom: 1px solid var(--dh-color-border, #d1d9e0);
    }
    .head {
      position: sticky;
      top: 0;
      z-index: 2;
      background: var(--dh-color-surface-alt, #f6f8fa);
      font-weight: 600;
    }
    .body {
      position: relative;
    }
    .body .row {
      position: absolute;
      inset-inline: 0;
      /* A row's layout and paint stay inside it: scrolling lays out only the rows that changed. */
      contain: layout paint style;
      background: var(--dh-color-surface, #fff);
      cursor: default;
    }
    .body .row:hover {
      background: var(--dh-color-surface-alt, #f6f8fa);
    }
    .body .row[aria-selected='true'] {
      background: var(--dh-color-surface-selected, #ddf4ff);
    }
    /* Drawn here rather than by the platform's theme: a native checkbox per row costs a frame its layout and paint. */
    .row input[type='checkbox'] {
      appearance: none;
      display: block;
      box-sizing: border-box;
      width: 16px;
      height: 16px;
      min-height: 0;
      margin: 0;
      padding: 0;
      border: 1px solid var(--dh-color-text-subdued, #59636e);
      border-radius: 3px;
      background: var(--dh-color-surface, #fff);
      cursor: pointer;
    }
    .row input[type='checkbox']:checked {
      border-color: var(--dh-color-accent, #0969da);
      background: var(--dh-color-accent, #0969da)
        url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Cpath d='M4 8.5l2.5 2.5L12 5.5' fill='none' stroke='white' stroke-width='2'/%3E%3C/svg%3E")
        center / 100% no-repeat;
    }
    @media (forced-colors: active) {
      .row input[type='checkbox'] {
        appearance: auto;
      }
    }
    .cell {
      padding: 0 var(--dh-space, 8px);
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .cell.end {
      text-align: end;
      font-variant-numeric: tabular-nums;
    }
    /* The active cell shows only while the grid has focus (aria-activedescendant names it for screen readers). */
    .grid:focus .cell.active {
      outline: 2px solid var(--dh-color-focus, #0969da);
      outline-offset: -2px;
    }
    .head .cell button {
      all: unset;
      cursor: pointer;
      font-weight: 600;
    }
    .result-ok {
      color: var(--dh-color-success, #1a7f37);
    }
    .result-failed {
      color: var(--dh-color-critical, #d1242f);
    }
    .state {
      padding: calc(var(--dh-space, 8px) * 3);
      text-align: center;
      color: var(--dh-color-text-subdued, #59636e);
    }
    .state[role='alert'] {
      color: var(--dh-color-critical, #d1242f);
    }
    .footer {
      display: flex;
      justify-content: space-between;
      gap: var(--dh-space, 8px);
      padding: 4px var(--dh-space, 8px);
      border-top: 1px solid var(--dh-color-border, #d1d9e0);
      color: var(--dh-color-text-subdued, #59636e);
      font-size: 0.92em;
    }
    .drawer {
      position: absolute;
      inset-block: 0;
      inset-inline-end: 0;
      width: min(420px, 100%);
      z-index: 4;
      background: var(--dh-color-surface, #fff);
      border-inline-start: 1px solid var(--dh-color-border, #d1d9e0);
      box-shadow: 0 0 24px rgb(0 0 0 / 16%);
      overflow: auto;
      padding: calc(var(--dh-space, 8px) * 2);
    }
    .drawer header {
      display: flex;
      justify-content: space-between;
      align-items: center;
    }
    .drawer h2 {
      font-size: 1.2em;
      margin: 0;
    }
    .drawer h3 {
      font-size: 1em;
      margin: calc(var(--dh-space, 8px) * 2) 0 4px;
    }
    .drawer table {
      width: 100%;
      border-collapse: collapse;
    }
    .drawer th,
    .drawer td {
      text-align: start;
      padding: 4px;
      border-bottom: 1px solid var(--dh-color-border, #d1d9e0);
    }
    .drawer ol {
      margin: 0;
      padding-inline-start: 1.2em;
    }
    .notice {
      padding: 4px var(--dh-space, 8px);
      background: var(--dh-color-surface-selected, #ddf4ff);
    }
  `,
];
