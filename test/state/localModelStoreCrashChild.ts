// Child process of the model-store crash test: commits a model into a LocalModelStore and stops right
// before one rename (the version file's or the pointer's), reports it, then waits to be SIGKILLed.
// Usage: node --import tsx retrainStoreCrashChild.ts <storeDir> <modelJsonFile> version|pointer

import { readFileSync } from 'node:fs';
import { LocalModelStore } from '../../src/state/localModelStore.ts';
import { regimeModelFromJson } from '../../src/regime/index.ts';

async function main(): Promise<void> {
  const [dir, modelFile, stopAt] = process.argv.slice(2);
  const model = regimeModelFromJson(readFileSync(modelFile!, 'utf8'), modelFile!);
  const store = await LocalModelStore.open(dir!, {
    beforeRename: (_tmp, finalPath) => {
      const isPointer = finalPath.endsWith('current.json');
      if ((stopAt === 'pointer') !== isPointer) return;
      process.stdout.write('PAUSED\n');
      setInterval(() => undefined, 60_000);
      return new Promise<void>(() => undefined);
    },
  });
  await store.commit(model, { tsMs: 2, reason: 'crash test' });
  process.stdout.write('COMMITTED\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`retrainStoreCrashChild: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
