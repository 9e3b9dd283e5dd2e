// sha256 of a file's bytes, streamed (identifies the market data a distributed sweep runs on).

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { DataError } from '../domain/index.ts';

/** Hex sha256 of the file at `path`; DataError when it cannot be read. */
export async function fileSha256(path: string): Promise<string> {
  const h = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError('DATA_FILE_UNREADABLE', `${path}: cannot open (${code === 'ENOENT' ? 'no such file' : (code ?? 'error')})`, [], { cause: e });
  }
  return h.digest('hex');
}
