import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Outcome } from './crash-child.js';
import type { EdgeCase } from './edge-cases.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'crash-child.ts');
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** What happened to one case: its outcome, or the child's crash or hang; plus uncaught errors seen since the last case. */
export type Verdict = { outcome?: Outcome; crashed?: string; uncaught: string[] };

/** One child process running edge cases on one backend (crash-child.ts); restarted after a crash or hang. */
export class CaseRunner {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private waiting = new Map<number, (v: Verdict) => void>();
  private died: string | undefined;

  constructor(
    private readonly backend: string,
    private readonly hangMs = 60_000,
  ) {}

  private start(): Promise<void> {
    this.died = undefined;
    const child = fork(CHILD, [this.backend], {
      cwd: REPO,
      execArgv: ['--import', 'tsx', '--conditions=source'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    this.child = child;
    this.ready = new Promise((resolve, reject) => {
      child.on(
        'message',
        (m: { ready?: true; id?: number; outcome?: Outcome; uncaught?: string[]; finished?: true }) => {
          if (m.ready) resolve();
          else if (m.id !== undefined) this.waiting.get(m.id)?.({ outcome: m.outcome!, uncaught: m.uncaught ?? [] });
          else if (m.finished) this.waiting.get(0)?.({ uncaught: m.uncaught ?? [] });
        },
      );
      child.on('exit', (code, signal) => {
        this.died = `the child process died (${signal ?? `exit code ${code}`}); stderr: ${stderr.split('\n').filter(Boolean).slice(-3).join(' | ')}`;
        reject(new Error(this.died));
        for (const done of this.waiting.values()) done({ crashed: this.died, uncaught: [] });
        this.waiting.clear();
        if (this.child === child) this.child = undefined;
      });
    });
    return this.ready;
  }

  private async send(id: number, msg: object | string): Promise<Verdict> {
    if (this.child === undefined) await this.start();
    await this.ready;
    return new Promise<Verdict>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        this.child?.kill('SIGKILL');
        resolve({ crashed: `no answer within ${this.hangMs} ms (a hang)`, uncaught: [] });
      }, this.hangMs);
      this.waiting.set(id, (v) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(v);
      });
      this.child!.send(msg);
    });
  }

  run(edge: EdgeCase): Promise<Verdict> {
    const id = this.nextId++;
    return this.send(id, { id, edge });
  }

  /** Waits a quiet second in the child for late errors (a worker's), then stops it. */
  async finish(): Promise<string[]> {
    if (this.child === undefined) return [];
    const v = await this.send(0, 'finish');
    this.child?.kill();
    return v.crashed !== undefined ? [v.crashed] : v.uncaught;
  }
}
