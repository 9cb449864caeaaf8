/** `bench report`: not written yet (issue 5). */
export async function runReport(_args: string[]): Promise<number> {
  process.stderr.write('bench report is not implemented yet\n');
  return 2;
}
