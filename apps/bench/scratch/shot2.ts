import { chromium } from 'playwright-core';
const [file, png, sel] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
await page.goto('file://' + file);
await page.locator(sel!).screenshot({ path: png! });
await browser.close();
