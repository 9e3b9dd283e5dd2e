// `txbot sim-gateway`: runs the local ProjectX Gateway simulator (REST + SignalR hubs) on bars from a file,
// or from one file per contract (`--data MNQ=nq.csv --data MES=es.csv`), streamed merged in time order.

import type { Command } from 'commander';
import { commandSummary } from './manifest.ts';
import { barAt, systemClock, UsageError, daysOfDateKey, type Bar } from '../../domain/index.ts';
import { loadBars } from '../../data/index.ts';
import { GatewaySimulator, defaultSimContracts, parseTimestampUtcMs } from '../../broker/index.ts';
import { note, out } from '../output.ts';
import { parseNumberOption } from '../options.ts';
import { collect, parseSymbolFiles } from '../symbolFiles.ts';
import { parsePortOption, parseZoneOption } from '../optionValues.ts';

interface SimGatewayOptions {
  data: string[];
  port: string;
  host: string;
  symbol: string;
  timezone: string;
  speed: string;
  start?: string;
  user: string;
  apiKey: string;
}

export function registerSimGatewayCommand(program: Command): void {
  program
    .command('sim-gateway')
    .description(commandSummary('sim-gateway'))
    .requiredOption(
      '--data <file>',
      'CSV/CSV.gz bar file with a timestamp column, served as the front-month contract of --symbol; several contracts: --data SYM=FILE, repeated',
      collect,
    )
    .option('--port <n>', 'TCP port (0 picks a free one; the URL is printed)', '8080')
    .option('--host <host>', 'bind address', '127.0.0.1')
    .option('--symbol <root>', 'root the bars belong to: MNQ, MES, M2K or MGC', 'MNQ')
    .option('--timezone <zone>', 'zone of naive timestamps in the file', 'America/New_York')
    .option('--speed <x>', 'replay speed (market ms per real ms); 0 serves all bars as history without replay', '0')
    .option('--start <time>', 'replay start, ISO UTC (default: the first bar)')
    .option('--user <name>', 'user name the simulator accepts', 'sim-user')
    .option('--api-key <key>', 'API key the simulator accepts', 'sim-key')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  txbot sim-gateway --data ../shared/data/nq_5min_firstrate_sample_2023-11-19_2023-12-04_ET.csv --port 8080',
        '  txbot sim-gateway --data bars.csv --port 0 --speed 60 --timezone UTC',
        '  txbot sim-gateway --data MNQ=nq.csv --data MES=es.csv --port 0 --speed 60   # two contracts, one account',
        '  PROJECTX_USERNAME=sim-user PROJECTX_API_KEY=sim-key txbot accounts --gateway http://127.0.0.1:8080',
      ].join('\n'),
    )
    .action(async (opts: SimGatewayOptions) => {
      const port = parsePortOption('--port', opts.port);
      const timezone = parseZoneOption('--timezone', opts.timezone);
      const speed = parseNumberOption('--speed', opts.speed, 0);
      const files = parseSymbolFiles('--data', opts.data);
      const bars: Record<string, Bar[]> = {};
      for (const f of files) {
        const root = (f.symbol ?? opts.symbol).toUpperCase();
        const option = f.symbol === null ? '--symbol' : `--data ${f.symbol}=`;
        const contract = defaultSimContracts().find((c) => c.activeContract && c.id.startsWith(`CON.F.US.${root}.`));
        if (!contract) throw new UsageError(`${option}: the simulator has MNQ, MES, M2K and MGC (got "${f.symbol ?? opts.symbol}")`);
        note(`loading ${f.file} ...`);
        const { series } = await loadBars(f.file, { timezone });
        bars[contract.id] = Array.from({ length: series.length }, (_, i) => barAt(series, i));
      }
      const sim = new GatewaySimulator({
        bars,
        users: { [opts.user]: opts.apiKey },
        historyVisibility: speed > 0 ? 'replayed' : 'all',
        tokenClock: systemClock,
      });
      if (opts.start) {
        const startMs = parseTimestampUtcMs(opts.start);
        if (Number.isNaN(startMs) || Number.isNaN(daysOfDateKey(opts.start.slice(0, 10))))
          throw new UsageError(`--start must be an ISO time such as 2024-01-02T14:30:00Z (got "${opts.start}")`);
        sim.advanceTo(startMs);
      }
      const address = await sim.start(port, opts.host).catch((e: unknown) => {
        const code = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
        throw new UsageError(`--host ${opts.host} --port ${port}: cannot listen there (${code})`, {
          hint: code === 'EADDRINUSE' ? 'another program uses the port; pick another or --port 0' : 'use a local address such as 127.0.0.1',
        });
      });
      if (speed > 0) sim.runAtSpeed(speed);
      out(`sim-gateway listening on ${address.apiUrl} (REST ${address.apiUrl}/api, hubs ${address.rtcUrl}/hubs/user and /hubs/market)`);
      const served = Object.entries(bars).map(([id, b]) => `${b.length} bars as ${id}`);
      note(`serving ${served.join(', ')}; ${speed > 0 ? `replaying at ${speed}x` : 'history only (no replay)'}; Ctrl-C stops`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void sim.stop().then(resolve, resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      note('sim-gateway stopped');
    });
}
