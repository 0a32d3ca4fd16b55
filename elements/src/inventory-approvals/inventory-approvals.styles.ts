import { css } from 'lit';
import { baseStyles } from '../core/theme.ts';

export const inventoryApprovalsStyles = [
  baseStyles,
  css`
    :host {
      background: var(--dh-color-surface, #fff);
      border: 1px solid var(--dh-color-border, #d1d9e0);
      border-radius: var(--dh-radius, 6px);
    }
    .panel {
      display: grid;
      gap: calc(var(--dh-space, 8px) * 2);
      padding: calc(var(--dh-space, 8px) * 2);
    }
    h2 {
      font-size: 1.15em;
      margin: 0;
    }
    h3 {
      font-size: 1em;
      margin: 0;
    }
    p {
      margin: 0;
    }
    .request-form {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(200px, 1fr));
      gap: var(--dh-space, 8px) calc(var(--dh-space, 8px) * 2);
      align-items: start;
      padding-bottom: calc(var(--dh-space, 8px) * 2);
      border-bottom: 1px solid var(--dh-color-border, #d1d9e0);
    }
    .request-form h2,
    .request-form .wide,
    .request-form .form-actions,
    .request-form .available,
    .request-form > [role='alert'] {
      grid-column: 1 / -1;
    }
    .field label,
    label.field {
      display: grid;
      gap: 4px;
      font-weight: 500;
    }
    select,
    textarea,
    input:not([type='radio']) {
      width: 100%;
      font-weight: normal;
    }
    textarea {
      font: inherit;
      color: inherit;
      border: 1px solid var(--dh-color-border, #d1d9e0);
      border-radius: var(--dh-radius, 6px);
      padding: 4px 8px;
      background: var(--dh-color-surface, #fff);
      resize: vertical;
    }
    [aria-invalid='true'] {
      border-color: var(--dh-color-critical, #d1242f);
    }
    .field-error,
    .error {
      color: var(--dh-color-critical, #d1242f);
    }
    .field-error {
      display: block;
      margin-top: 4px;
      font-size: 0.9em;
    }
    .ok {
      color: var(--dh-color-success, #1a7f37);
    }
    fieldset.kind {
      border: 1px solid var(--dh-color-border, #d1d9e0);
      border-radius: var(--dh-radius, 6px);
      margin: 0;
      padding: 4px var(--dh-space, 8px) var(--dh-space, 8px);
      display: flex;
      flex-wrap: wrap;
      gap: var(--dh-space, 8px) calc(var(--dh-space, 8px) * 2);
    }
    fieldset.kind label {
      display: inline-flex;
      gap: 4px;
      align-items: center;
    }
    .form-actions,
    .actions,
    .list-head {
      display: flex;
      flex-wrap: wrap;
      gap: var(--dh-space, 8px);
      align-items: center;
    }
    .list-head h2 {
      flex: 1 1 auto;
    }
    .list-head .filter {
      display: inline-flex;
      gap: var(--dh-space, 8px);
      align-items: center;
    }
    .list-head .filter select {
      width: auto;
    }
    .live {
      color: var(--dh-color-text-subdued, #59636e);
      font-size: 0.9em;
    }
    .queue {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: var(--dh-space, 8px);
    }
    .request {
      display: grid;
      gap: 4px;
      padding: calc(var(--dh-space, 8px) * 1.5);
      border: 1px solid var(--dh-color-border, #d1d9e0);
      border-inline-start-width: 4px;
      border-radius: var(--dh-radius, 6px);
      background: var(--dh-color-surface, #fff);
    }
    .request.status-conflict,
    .request.status-failed {
      border-inline-start-color: var(--dh-color-critical, #d1242f);
    }
    .request.status-applied {
      border-inline-start-color: var(--dh-color-success, #1a7f37);
    }
    .request.status-pending {
      border-inline-start-color: var(--dh-color-accent, #0969da);
    }
    .request-head {
      display: flex;
      gap: var(--dh-space, 8px);
      align-items: baseline;
      justify-content: space-between;
    }
    .meta,
    .by,
    .decided,
    .pushing {
      color: var(--dh-color-text-subdued, #59636e);
      font-size: 0.92em;
    }
    .change {
      display: flex;
      gap: calc(var(--dh-space, 8px) * 2);
    }
    .badge {
      border-radius: 999px;
      padding: 1px 10px;
      font-size: 0.85em;
      border: 1px solid var(--dh-color-border, #d1d9e0);
      background: var(--dh-color-surface-alt, #f6f8fa);
      white-space: nowrap;
    }
    .badge.conflict,
    .badge.failed {
      color: var(--dh-color-critical, #d1242f);
      border-color: currentColor;
    }
    .badge.applied {
      color: var(--dh-color-success, #1a7f37);
      border-color: currentColor;
    }
    .conflict {
      border: 1px solid var(--dh-color-critical, #d1242f);
      border-radius: var(--dh-radius, 6px);
      padding: var(--dh-space, 8px);
      display: grid;
      gap: 4px;
    }
    .conflict dl {
      display: flex;
      gap: calc(var(--dh-space, 8px) * 3);
      margin: 0;
    }
    .conflict dt {
      color: var(--dh-color-text-subdued, #59636e);
      font-size: 0.9em;
    }
    .conflict dd {
      margin: 0;
      font-size: 1.4em;
      font-weight: 600;
      font-variant-numeric: tabular-nums;
    }
    .decision {
      display: grid;
      gap: 4px;
      padding: var(--dh-space, 8px);
      background: var(--dh-color-surface-alt, #f6f8fa);
      border-radius: var(--dh-radius, 6px);
    }
    button.danger {
      border-color: var(--dh-color-critical, #d1242f);
      color: var(--dh-color-critical, #d1242f);
    }
    button:disabled {
      opacity: 0.6;
      cursor: default;
    }
    .state {
      padding: calc(var(--dh-space, 8px) * 2);
      text-align: center;
      color: var(--dh-color-text-subdued, #59636e);
    }
    .request:focus-visible {
      outline: 2px solid var(--dh-color-focus, #0969da);
      outline-offset: 2px;
    }
  `,
];
