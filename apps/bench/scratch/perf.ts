import { runPerf } from '../src/commands/perf.js';
import { runReport } from '../src/commands/report.js';
const [cmd, ...rest] = process.argv.slice(2);
(cmd === 'perf' ? runPerf(rest) : runReport(rest)).then((c) => process.exit(c), (e) => { console.error(e); process.exit(2); });
