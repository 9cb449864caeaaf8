#!/usr/bin/env node
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { LossGraphError } from '@lossgraph/core';
import { EXPORT_USAGE, runExport } from './export-command.js';

const USAGE = `usage: lossgraph <command> [options]

commands:
  export         write a registered loss and its gradients as an ONNX model (lossgraph export --help)

options:
  -h, --help     print this help
  -v, --version  print the version of @lossgraph/onnx`;

/** This package's version (package.json sits one folder above both src/ and dist/). */
function version(): string {
  return (createRequire(import.meta.url)('../package.json') as { version: string }).version;
}

/** A usage error: the message and the usage on stderr, exit code 2. */
function usageError(message: string, usage: string): number {
  console.error(`lossgraph: ${message}\n\n${usage}`);
  return 2;
}

/** The `lossgraph` command line. Commands: export. */
async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'export') {
    if (rest.includes('--help') || rest.includes('-h')) {
      console.log(EXPORT_USAGE);
      return 0;
    }
    console.log(await runExport(rest));
    return 0;
  }
  if (command !== undefined && !command.startsWith('-')) return usageError(`unknown command '${command}'`, USAGE);
  let values: { help?: boolean; version?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } },
    }));
  } catch (e) {
    return usageError((e as Error).message, USAGE);
  }
  if (values.version) console.log(version());
  else console.log(USAGE); // --help, or no command at all
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(LossGraphError.isInstance(e) ? `lossgraph: ${e.message}` : e);
    process.exitCode = LossGraphError.isInstance(e) ? 2 : 1;
  },
);
