#!/usr/bin/env node
import { LossGraphError } from '@lossgraph/core';
import { EXPORT_USAGE, runExport } from './export-command.js';

/** The `lossgraph` command line. Commands: export. */
async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'export') {
    console.log(await runExport(rest));
    return 0;
  }
  console.error(command === undefined || command === '--help' ? EXPORT_USAGE : `unknown command '${command}'\n\n${EXPORT_USAGE}`);
  return command === '--help' ? 0 : 2;
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
