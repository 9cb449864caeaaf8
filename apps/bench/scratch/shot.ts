import { chromium } from 'playwright-core';
const [file, png] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu','--disable-background-networking','--disable-component-update','--no-first-run'] });
const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
await page.goto('file://' + file);
await page.screenshot({ path: png!, fullPage: true });
console.log(await page.$$eval('svg.chart', (s) => s.map((x) => x.getAttribute('data-chart') + ':' + [...x.querySelectorAll('g.series')].map((g) => g.getAttribute('data-series')).join(','))));
await browser.close();
