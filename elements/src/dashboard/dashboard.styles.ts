import { css } from 'lit';
import { baseStyles } from '../core/theme.ts';

export const dashboardStyles = [
  baseStyles,
  css`
    .dashboard {
      display: grid;
      gap: calc(var(--dh-space, 8px) * 2);
    }
    h2 {
      font-size: 1.1em;
      margin: 0 0 var(--dh-space, 8px);
    }
    p {
      margin: 0;
    }
    .head {
      display: flex;
      gap: var(--dh-space, 8px);
      align-items: center;
      justify-content: flex-end;
      color: var(--dh-color-text-subdued, #59636e);
      font-size: 0.92em;
    }
    .counts {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
      gap: var(--dh-space, 8px);
    }
    button.count {
      width: 100%;
      display: grid;
      gap: 2px;
      justify-items: start;
      text-align: start;
      padding: calc(var(--dh-space, 8px) * 1.5) calc(var(--dh-space, 8px) * 2);
      background: var(--dh-color-surface, #fff);
      border: 1px solid var(--dh-color-border, #d1d9e0);
      border-radius: var(--dh-radius, 6px);
    }
    button.count:hover {
      background: var(--dh-color-surface-alt, #f6f8fa);
    }
    .count .value {
      font-size: 1.9em;
      font-weight: 600;
      line-height: 1.1;
      font-variant-numeric: tabular-nums;
    }
    .count .name {
      color: var(--dh-color-text-subdued, #59636e);
    }
    .count.alert .value {
      color: var(--dh-color-critical, #d1242f);
    }
    section.low-stock,
    section.sync {
      background: var(--dh-color-surface, #fff);
      border: 1px solid var(--dh-color-border, #d1d9e0);
      border-radius: var(--dh-radius, 6px);
      padding: calc(var(--dh-space, 8px) * 1.5);
      overflow-x: auto;
    }
    table {
      width: 100%;
      border-collapse: collapse;
      border-spacing: 0;
      font-size: inherit;
    }
    th,
    td {
      text-align: start;
      vertical-align: top;
      padding: 6px var(--dh-space, 8px);
      border-top: 1px solid var(--dh-color-border, #d1d9e0);
      font-weight: normal;
    }
    thead th {
      border-top: 0;
      color: var(--dh-color-text-subdued, #59636e);
      font-weight: 600;
    }
    tbody th {
      font-weight: 600;
    }
    .end {
      text-align: end;
    }
    .subdued {
      display: block;
      color: var(--dh-color-text-subdued, #59636e);
      font-size: 0.9em;
    }
    .low,
    .error {
      color: var(--dh-color-critical, #d1242f);
    }
    .entities {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .entities li.failed {
      color: var(--dh-color-critical, #d1242f);
    }
    .health {
      border-radius: 999px;
      padding: 1px 10px;
      border: 1px solid currentColor;
      white-space: nowrap;
    }
    .health.ok {
      color: var(--dh-color-success, #1a7f37);
    }
    .health.failing,
    .health.disconnected {
      color: var(--dh-color-critical, #d1242f);
    }
    .health.syncing {
      color: var(--dh-color-accent, #0969da);
    }
    .state {
      color: var(--dh-color-text-subdued, #59636e);
    }
  `,
];
