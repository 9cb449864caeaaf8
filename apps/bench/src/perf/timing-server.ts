/**
 * A child process that answers JSON-line requests one at a time: a backend worker (replies on fd 3) or
 * the PyTorch timer (replies on stdout). Whatever else the child prints goes to our stderr, prefixed
 * with its name, as progress.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { isErrorReply } from './protocol.js';

export interface ServerSpec {
  /** shown in messages and as the prefix of the child's output */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  /** where replies arrive: the child's stdout, or file descriptor 3 (its stdout is then only log) */
  readonly replies: 'stdout' | 'fd3';
}

export class TimingServerError extends Error {}

/** Children still running; killed if this process exits without closing them (an error, Ctrl-C). */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export class TimingServer {
  private readonly child: ChildProcess;
  private readonly pending: { resolve: (line: string) => void; reject: (err: Error) => void }[] = [];
  private exited: Error | undefined;
  private readonly logTail: string[] = [];

  constructor(readonly spec: ServerSpec) {
    this.child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      stdio: spec.replies === 'fd3' ? ['pipe', 'pipe', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe'],
    });
    const replyStream = (spec.replies === 'fd3' ? this.child.stdio[3] : this.child.stdout) as Readable;
    createInterface({ input: replyStream, crlfDelay: Infinity }).on('line', (line) =>
      this.pending.shift()?.resolve(line),
    );
    const logStreams = spec.replies === 'fd3' ? [this.child.stdout!, this.child.stderr!] : [this.child.stderr!];
    for (const stream of logStreams) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => this.log(line));
    }
    live.add(this.child);
    this.child.once('exit', () => live.delete(this.child));
    this.child.stdin!.on('error', () => {}); // a write to an ended child: reported by the 'exit' handler
    this.child.on('error', (err) =>
      this.fail(new TimingServerError(`${spec.name}: could not start ${spec.command}: ${err.message}`)),
    );
    this.child.on('exit', (code, signal) => {
      const tail = this.logTail.length ? `; last output:\n${this.logTail.join('\n')}` : '';
      this.fail(new TimingServerError(`${spec.name}: process ended (${signal ?? `exit code ${code}`})${tail}`));
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private log(line: string): void {
    this.logTail.push(line);
    if (this.logTail.length > 20) this.logTail.shift();
    process.stderr.write(`  [${this.spec.name}] ${line}\n`);
  }

  private fail(err: Error): void {
    this.exited ??= err;
    for (const p of this.pending.splice(0)) p.reject(err);
  }

  /** Sends one request and resolves to its reply; an `{"error"}` reply rejects. */
  async request<T>(message: object): Promise<T> {
    if (this.exited) throw this.exited;
    const line = await new Promise<string>((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.child.stdin!.write(`${JSON.stringify(message)}\n`);
    });
    let reply: unknown;
    try {
      reply = JSON.parse(line);
    } catch {
      throw new TimingServerError(`${this.spec.name}: reply is not JSON: ${line.slice(0, 200)}`);
    }
    if (isErrorReply(reply)) throw new TimingServerError(`${this.spec.name}: ${reply.error}`);
    return reply as T;
  }

  /** Asks the child to quit, and kills it if it has not ended after `graceMs`. */
  async close(graceMs = 10_000): Promise<void> {
    if (this.exited || this.child.exitCode !== null) return;
    const ended = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin!.end(`${JSON.stringify({ cmd: 'quit' })}\n`);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await ended;
    clearTimeout(timer);
  }
}
