/**
 * Hands `blob` to the browser as a download named `fileName` (the browser asks where, or puts it
 * in the downloads folder). Used by the log's Download and an output's Save as in the web host.
 */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.click();
  } finally {
    // Revoked later: a download may still be reading the blob when the click returns.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}
