import { existsSync } from 'node:fs';
import { LossGraphError } from '@lossgraph/core';
import type { Browser } from 'playwright-core';

/** Debian's chromium (CI: `apt-get install -y chromium`); LOSSGRAPH_CHROMIUM overrides it. */
export function chromiumPath(): string {
  return process.env.LOSSGRAPH_CHROMIUM ?? '/usr/bin/chromium';
}

/** Headless, no GPU process: WebGL and WebGPU both run on SwiftShader (software). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu',
] as const;

function unavailable(message: string, cause?: unknown): LossGraphError {
  return new LossGraphError('BACKEND_UNAVAILABLE', message, { browser: 'chromium' }, { cause });
}

/** Throws BACKEND_UNAVAILABLE, saying how to install it, when there is no Chromium to launch. */
export function assertChromiumPresent(): void {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw unavailable(
      `Chromium not found at ${executablePath}: install it (Debian: apt-get install -y chromium) or set LOSSGRAPH_CHROMIUM`,
    );
  }
}

/** Launches headless Chromium through playwright-core; a missing browser or driver is a clear BACKEND_UNAVAILABLE. */
export async function launchChromium(timeoutMs: number): Promise<Browser> {
  assertChromiumPresent();
  const executablePath = chromiumPath();
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (error) {
    throw unavailable(
      `playwright-core is not installed: ${error instanceof Error ? error.message : String(error)}`,
      error,
    );
  }
  try {
    return await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS], timeout: timeoutMs });
  } catch (error) {
    throw unavailable(
      `Chromium at ${executablePath} did not start: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      error,
    );
  }
}
