/**
 * One CSV field: quoted when it must be, and with a leading quote mark when it would otherwise
 * start a spreadsheet formula (`=`, `+`, `-`, `@`), so an order note cannot run in Excel.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

interface SaveFilePicker {
  showSaveFilePicker?(options: {
    suggestedName: string;
    types: Array<{ description: string; accept: Record<string, string[]> }>;
  }): Promise<{
    createWritable(): Promise<WritableStream<Uint8Array>>;
  }>;
}

/**
 * Where an export goes: straight into a file the user picks when the browser can (Chromium's
 * File System Access API, written page by page), otherwise into a download assembled from the
 * encoded pages.
 */
export async function saveTarget(fileName: string): Promise<WritableStream<Uint8Array>> {
  const picker = window as unknown as SaveFilePicker;
  if (picker.showSaveFilePicker) {
    try {
      const handle = await picker.showSaveFilePicker({
        suggestedName: fileName,
        types: [{ description: 'CSV', accept: { 'text/csv': ['.csv'] } }],
      });
      return await handle.createWritable();
    } catch (error) {
      if ((error as DOMException).name === 'AbortError') throw error;
      // Not allowed here (an iframe, no user gesture): fall back to a download.
    }
  }
  const parts: Uint8Array[] = [];
  return new WritableStream<Uint8Array>({
    write(chunk) {
      parts.push(chunk);
    },
    close() {
      const url = URL.createObjectURL(new Blob(parts as BlobPart[], { type: 'text/csv' }));
      const link = Object.assign(document.createElement('a'), { href: url, download: fileName });
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
  });
}
