import { closeSync, fsyncSync, openSync } from 'node:fs';

/** Makes a rename or a new entry in `directory` durable: without it a power loss can undo the rename. */
export function fsyncDirectory(directory: string): void {
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
