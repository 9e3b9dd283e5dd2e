// Reads a saved regime model file: a missing or malformed file is a ModelError naming the file.

import { readFileSync } from 'node:fs';
import { ModelError } from '../domain/index.ts';
import { regimeModelFromJson, type RegimeModel } from '../regime/index.ts';

/** Reads and validates a model JSON file written by `txbot train` (or a retrain). */
export function loadModelFile(path: string): RegimeModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ModelError('MODEL_NOT_FOUND', `${path}: cannot read the model file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, {
      hint: 'train one with `txbot train --data FILE --out models/NAME.json`',
    });
  }
  return regimeModelFromJson(text, path);
}
