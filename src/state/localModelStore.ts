// LocalModelStore: versioned regime models on local disk (write, fsync, rename; keep N), the ModelStore
// the retrain controller commits to before a swap.

import { constants as fsConstants } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { ModelError } from '../domain/index.ts';
import { regimeModelFromJson, regimeModelToJson, type RegimeModel, type CurrentModel, type ModelStore, type ModelVersion } from '../regime/index.ts';

export interface StoreFs {
  writeFile(path: string, data: string): Promise<void>;
  /** fsync of a file or directory (directories: best effort where the platform refuses). */
  fsync(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
}

/** Node's fs with real fsyncs. */
export const NODE_STORE_FS: StoreFs = {
  writeFile: (path, data) => fsp.writeFile(path, data, 'utf8'),
  async fsync(path) {
    let fh: fsp.FileHandle | null = null;
    try {
      fh = await fsp.open(path, fsConstants.O_RDONLY);
      await fh.sync();
    } catch (e) {
      // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic there.
      if (
        (e as NodeJS.ErrnoException).code !== 'EISDIR' &&
        (e as NodeJS.ErrnoException).code !== 'EPERM' &&
        (e as NodeJS.ErrnoException).code !== 'EINVAL'
      )
        throw e;
    } finally {
      await fh?.close();
    }
  },
  rename: (from, to) => fsp.rename(from, to),
};

export interface LocalModelStoreOptions {
  /** Previous versions kept besides the current one (config retrain.keep_models, default 5). */
  readonly keep?: number;
  readonly fs?: StoreFs;
  /** Called after a temp file is written and fsynced, before its rename (crash tests). */
  readonly beforeRename?: (tmpPath: string, finalPath: string) => Promise<void> | void;
}

const POINTER = 'current.json';
const VERSION_RE = /^model-(\d{6,})\.json$/;
const TMP_PREFIX = '.tmp-';

const versionFile = (v: number): string => `model-${String(v).padStart(6, '0')}.json`;

/**
 * Local-directory store: `model-000001.json`, `model-000002.json`, ... and `current.json`
 * (`{version, file, swappedAtMs, reason}`). A commit writes the model to a temp file, fsyncs, renames
 * it to its version name, fsyncs the directory, then replaces `current.json` the same way. The rename
 * of the pointer is the commit point; a crash before it leaves the old pointer (and at most an unused
 * version file or a temp file, removed on the next open).
 */
export class LocalModelStore implements ModelStore {
  readonly dir: string;
  readonly description: string;
  private readonly keep: number;
  private readonly fs: StoreFs;
  private readonly beforeRename: LocalModelStoreOptions['beforeRename'];

  private constructor(dir: string, options: LocalModelStoreOptions) {
    this.dir = dir;
    this.description = dir;
    this.keep = Math.max(0, options.keep ?? 5);
    this.fs = options.fs ?? NODE_STORE_FS;
    this.beforeRename = options.beforeRename;
  }

  /** Opens (creating when missing) the store in `dir` and removes temp files left by a crash. */
  static async open(dir: string, options: LocalModelStoreOptions = {}): Promise<LocalModelStore> {
    try {
      await fsp.mkdir(dir, { recursive: true });
      for (const name of await fsp.readdir(dir)) if (name.startsWith(TMP_PREFIX)) await fsp.rm(join(dir, name), { force: true });
    } catch (e) {
      throw new ModelError(
        'MODEL_STORE_UNAVAILABLE',
        `${dir}: cannot open the model store (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        { hint: 'check retrain.model_dir / --out and its permissions', cause: e },
      );
    }
    return new LocalModelStore(dir, options);
  }

  async current(): Promise<CurrentModel | null> {
    const pointerPath = join(this.dir, POINTER);
    let text: string;
    try {
      text = await fsp.readFile(pointerPath, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    let p: { version?: unknown; file?: unknown; swappedAtMs?: unknown; reason?: unknown };
    try {
      p = JSON.parse(text) as typeof p;
    } catch {
      throw new ModelError('MODEL_STORE_INVALID', `${pointerPath}: not valid JSON`, {
        hint: 'point it at a stored version: {"version":N,"file":"model-00000N.json"}',
      });
    }
    if (typeof p.version !== 'number' || typeof p.file !== 'string' || !VERSION_RE.test(p.file)) {
      throw new ModelError(
        'MODEL_STORE_INVALID',
        `${pointerPath}: expected {"version": number, "file": "model-NNNNNN.json"} (found ${text.trim().slice(0, 80)})`,
      );
    }
    const location = join(this.dir, p.file);
    let modelText: string;
    try {
      modelText = await fsp.readFile(location, 'utf8');
    } catch (e) {
      throw new ModelError(
        'MODEL_NOT_FOUND',
        `${location}: the current model file named by ${pointerPath} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
        { cause: e },
      );
    }
    return {
      version: p.version,
      location,
      model: regimeModelFromJson(modelText, location),
      swappedAtMs: typeof p.swappedAtMs === 'number' ? p.swappedAtMs : Number.NaN,
      reason: typeof p.reason === 'string' ? p.reason : '',
    };
  }

  async versions(): Promise<ModelVersion[]> {
    const out: ModelVersion[] = [];
    for (const name of await fsp.readdir(this.dir)) {
      const m = VERSION_RE.exec(name);
      if (m) out.push({ version: Number(m[1]), location: join(this.dir, name) });
    }
    return out.sort((a, b) => a.version - b.version);
  }

  async commit(model: RegimeModel, info: { readonly tsMs: number; readonly reason: string }): Promise<ModelVersion> {
    const all = await this.versions();
    const version = (all.length ? all[all.length - 1]!.version : 0) + 1;
    const file = versionFile(version);
    await this.writeAtomic(file, regimeModelToJson(model));
    await this.writeAtomic(POINTER, `${JSON.stringify({ version, file, swappedAtMs: info.tsMs, reason: info.reason })}\n`);
    await this.prune(version);
    return { version, location: join(this.dir, file) };
  }

  /** Temp file in the same directory → fsync → rename over `name` → fsync the directory. */
  private async writeAtomic(name: string, text: string): Promise<void> {
    const finalPath = join(this.dir, name);
    const tmp = join(this.dir, `${TMP_PREFIX}${name}`);
    await this.fs.writeFile(tmp, text);
    await this.fs.fsync(tmp);
    await this.beforeRename?.(tmp, finalPath);
    await this.fs.rename(tmp, finalPath);
    await this.fs.fsync(this.dir);
  }

  /** Deletes versions older than the `keep` newest ones before `current` (never the current one). */
  private async prune(current: number): Promise<void> {
    const older = (await this.versions()).filter((v) => v.version < current);
    for (const v of older.slice(0, Math.max(0, older.length - this.keep))) await fsp.rm(v.location, { force: true });
  }
}
