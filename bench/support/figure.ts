// A benchmark's machine-readable figures: one `##figure {json}` line each on stdout, collected by `npm run bench`.

/** Prints one figure for the `npm run bench` table (name, value, unit; lower or higher is better is the reader's call). */
export function figure(name: string, value: number, unit: string): void {
  console.log(`##figure ${JSON.stringify({ name, value: Number(value.toPrecision(6)), unit })}`);
}
