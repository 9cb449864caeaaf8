/** `bench perf`: not written yet (issue 5). */
export async function runPerf(_args: string[]): Promise<number> {
  process.stderr.write('bench perf is not implemented yet\n');
  return 2;
}
