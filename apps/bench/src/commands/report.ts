/**
 * `bench report`: turns the JSON of `bench validate` and `bench perf` (the default loss's run, and when
 * given or present the runs of the other registered losses and the ORT profile) into reports/<date>/report.md,
 * report.json and report.html (self-contained, SVG charts inline), plus the charts as .svg files for
 * the Markdown. A missing input is stated in the report and its sections are left out.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoFixturesDir, sampleFixturePath } from '@lossgraph/core/testing';
import { parseFlags, parseList, UsageError } from '../args.js';
import { machineInfo } from '../perf/machine.js';
import { DEFAULT_PERF_LOSS, PERF_LOSSES } from '../perf/problems.js';
import { reportBlocks } from '../report/content.js';
import { toHtml, toMarkdown } from '../report/document.js';
import { loadPerf, loadProfile, loadTrainPerf, loadValidate } from '../report/inputs.js';
import { accuracyOf, checkTargets, inputNote, type ReportData, reproduceCommands } from '../report/model.js';
import { fixtureTolerances } from '../report/tolerances.js';

const FLAGS = ['validate', 'perf', 'loss-perf', 'train-perf', 'out', 'fixtures', 'profile', 'loss-profile'] as const;
export const DEFAULT_VALIDATE = 'reports/latest-validate.json';
export const DEFAULT_PERF = 'reports/latest-perf.json';
/** optional: read when present (bench profile --json) */
export const DEFAULT_PROFILE = 'reports/latest-profile.json';
/** optional: read when present (bench perf --loss <loss> --json), for every registered loss but the default one */
export const defaultLossPerf = (loss: string) => `reports/latest-perf-${loss}.json`;
/** optional: read when present (bench profile --loss <loss> --json), for every registered loss but the default one */
export const defaultLossProfile = (loss: string) => `reports/latest-profile-${loss}.json`;

/** The files named by `flag` (a comma-separated list), else every default file of the other losses there is. */
function otherLossFiles(named: string | undefined, defaultPath: (loss: string) => string): string[] {
  return (
    parseList(named) ??
    PERF_LOSSES.filter((l) => l !== DEFAULT_PERF_LOSS)
      .map(defaultPath)
      .filter((p) => existsSync(p))
  );
}
/** optional: read when present (bench perf --train --json) */
export const DEFAULT_TRAIN_PERF = 'reports/latest-perf-train.json';

/** Today as YYYY-MM-DD in local time. */
export function localDate(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export async function runReport(args: string[]): Promise<number> {
  let f: Record<string, string>;
  try {
    f = parseFlags(args, FLAGS);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`bench report: ${err.message}\n`);
    return 2;
  }
  const now = new Date();
  const date = localDate(now);
  const validate = loadValidate(f.validate ?? DEFAULT_VALIDATE);
  const perf = loadPerf(f.perf ?? DEFAULT_PERF);
  for (const input of [validate, perf]) if (input.status !== 'read') process.stderr.write(`report: ${input.message}\n`);
  const profile = loadProfile(f.profile ?? DEFAULT_PROFILE);
  // the profile is optional: only a file named on the command line must be there
  if (profile.status === 'invalid' || (profile.status === 'missing' && f.profile !== undefined))
    process.stderr.write(`report: ${profile.message}\n`);
  const profileData = profile.status === 'read' ? profile.data : null;
  // the other losses' runs and profiles: the files named, else every default file there is
  const lossPerf = otherLossFiles(f['loss-perf'], defaultLossPerf).map((p) => loadPerf(p));
  const lossProfile = otherLossFiles(f['loss-profile'], defaultLossProfile).map((p) => loadProfile(p));
  for (const input of [...lossPerf, ...lossProfile])
    if (input.status !== 'read') process.stderr.write(`report: ${input.message}\n`);
  const train = loadTrainPerf(f['train-perf'] ?? DEFAULT_TRAIN_PERF);
  if (train.status === 'invalid' || (train.status === 'missing' && f['train-perf'] !== undefined))
    process.stderr.write(`report: ${train.message}\n`);
  const validateData = validate.status === 'read' ? validate.data : null;
  const perfData = perf.status === 'read' ? perf.data : null;

  const fixtureDirs = f.fixtures ? [f.fixtures] : [repoFixturesDir(), dirname(sampleFixturePath())];
  const tolerances = validateData
    ? await fixtureTolerances([...new Set(validateData.results.map((r) => r.fixture))], fixtureDirs)
    : new Map();
  const data: ReportData = {
    date,
    generated_at: now.toISOString(),
    inputs: {
      validate: inputNote(validate),
      perf: inputNote(perf),
      loss_perf: lossPerf.map(inputNote),
      train_perf: inputNote(train),
    },
    machine: perfData?.machine ?? machineInfo(),
    machine_source: perfData?.machine ? 'perf run' : 'report host',
    commands: reproduceCommands(
      validate.path,
      perf.path,
      perfData,
      { path: profile.path, data: profileData },
      lossPerf.map((r) => ({ path: r.path, data: r.status === 'read' ? r.data : null })),
      lossProfile.map((r) => ({ path: r.path, data: r.status === 'read' ? r.data : null })),
    ),
    targets: checkTargets(perfData),
    accuracy: accuracyOf(validateData, tolerances),
    validate: validateData,
    perf: perfData,
    loss_perf: lossPerf.flatMap((r) => (r.status === 'read' ? [r.data] : [])),
    train_perf: train.status === 'read' ? train.data : null,
    profile: profileData,
    loss_profile: lossProfile.flatMap((r) => (r.status === 'read' ? [r.data] : [])),
  };

  const out = f.out ?? join('reports', date);
  mkdirSync(out, { recursive: true });
  const blocks = reportBlocks(data);
  const title = `lossgraph benchmark report, ${date}`;
  writeFileSync(join(out, 'report.md'), toMarkdown(blocks));
  writeFileSync(join(out, 'report.html'), toHtml(title, blocks));
  writeFileSync(join(out, 'report.json'), `${JSON.stringify(data, null, 2)}\n`);
  for (const b of blocks) if (b.kind === 'chart') writeFileSync(join(out, `${b.id}.svg`), `${b.svg}\n`);
  process.stdout.write(
    `wrote ${join(out, 'report.md')}, report.html, report.json and ${blocks.filter((b) => b.kind === 'chart').length} charts\n`,
  );
  const unreadable =
    [validate, perf, profile, train].some((i) => i.status === 'invalid') ||
    [...lossPerf, ...lossProfile].some((r) => r.status !== 'read') ||
    (train.status === 'missing' && f['train-perf'] !== undefined) ||
    (profile.status === 'missing' && f.profile !== undefined);
  const nothing = !validateData && !perfData;
  return unreadable || nothing ? 1 : 0;
}
