import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { buildInventoryReport, type InventoryReport } from '../../src/app/inventory-report.use-case.js';
import { renderHtmlReport } from '../../src/cli/report-html.js';
import { sampleInventory } from '../support/report-fixture.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const NOW = new Date('2026-11-01T00:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'certflow-report-'));
const file = join(dir, 'report.html');
let browser: Browser;
let report: InventoryReport;
let expected: { total: number; expired: number };

/** What the page shows, read in the browser. */
interface Seen {
  total: string | null;
  expired: string | null;
  barCounts: number[];
  barHeights: number[];
  svg: { width: number; height: number };
  soonest: string[][];
  byAccount: string[][];
  problems: string[][];
  unreached: string[][];
  scripts: number;
}

beforeAll(async () => {
  const inv = await sampleInventory(NOW);
  expected = { total: inv.total, expired: inv.expired };
  report = await buildInventoryReport({ state: inv.state, clock: inv.clock, alertThresholdsDays: [30, 14, 7, 1] })();
  await inv.state.close();
  writeFileSync(file, renderHtmlReport(report));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('HTML report in headless Chromium', () => {
  it('renders the timeline chart and the tables with the inventory\'s numbers and loads nothing else', async () => {
    // Prepare
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    // Act
    await page.goto(pathToFileURL(file).href);
    // Runs in the page (a string, so this file needs no DOM typings).
    const seen = await page.evaluate<Seen>(`(() => {
      const bars = [...document.querySelectorAll('#timeline rect.bar')];
      const rowCells = (id) => [...document.querySelectorAll('#' + id + ' tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''));
      const svg = document.querySelector('#timeline').getBoundingClientRect();
      return {
        total: document.querySelector('#total .v')?.textContent,
        expired: document.querySelector('#expired .v')?.textContent,
        barCounts: bars.map((b) => Number(b.dataset.count)),
        barHeights: bars.map((b) => b.getBBox().height),
        svg: { width: svg.width, height: svg.height },
        soonest: rowCells('soonest'),
        byAccount: rowCells('by-account'),
        problems: rowCells('problems'),
        unreached: rowCells('unreached'),
        scripts: document.querySelectorAll('script').length,
      };
    })()`);
    await page.close();
    // Assess: the chart
    expect(seen.total).toBe(String(expected.total));
    expect(seen.expired).toBe(String(expected.expired));
    expect(seen.barCounts).toHaveLength(report.timeline.weeks.length + 2);
    expect(seen.barCounts.reduce((a, b) => a + b, 0)).toBe(expected.total);
    expect(seen.barCounts[0]).toBe(expected.expired);
    seen.barCounts.forEach((count, i) => expect(seen.barHeights[i]! > 0).toBe(count > 0));
    expect(seen.svg.width).toBeGreaterThan(600);
    expect(seen.svg.height).toBeGreaterThan(100);
    // Assess: the tables
    expect(seen.soonest[0]?.[0]).toBe('svc0.example.com');
    expect(seen.soonest[0]?.[2]).toBe('-3');
    expect(seen.soonest.map((r) => Number(r[2]))).toEqual([...seen.soonest.map((r) => Number(r[2]))].sort((a, b) => a - b));
    expect(seen.byAccount).toEqual(report.byAccount.map((c) => [c.key, String(c.count)]));
    expect(seen.byAccount.filter((r) => /^\d{12}$/.test(r[0]!)).map((r) => Number(r[1]))).toEqual([6, 5, 5]);
    expect(seen.problems.map((r) => r[2])).toEqual(expect.arrayContaining(['self-signed name mismatch', 'incomplete chain']));
    expect(seen.unreached).toEqual([['edge', 'endpoints:edge', 'gone.example.com:443: unreachable (ECONNREFUSED)']]);
    // Assess: hostile text stayed text, and the page fetched nothing but itself
    expect(seen.scripts).toBe(0);
    expect(seen.problems.some((r) => r[0]!.includes('<script>alert(1)</script>\\u000aFORGED LINE'))).toBe(true);
    expect(requests).toEqual([pathToFileURL(file).href]);
  });

  it('writes a screenshot with the documented command', () => {
    // Prepare
    const png = join(dir, 'report.png');
    // Act: the command in README.md "Discovery report"
    execFileSync(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', `--user-data-dir=${join(dir, 'profile')}`, '--hide-scrollbars', '--window-size=1280,1700', `--screenshot=${png}`, pathToFileURL(file).href], { stdio: 'ignore', timeout: 60_000 });
    // Assess
    expect(existsSync(png)).toBe(true);
    expect(statSync(png).size).toBeGreaterThan(20_000);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
  }, 90_000);
});
