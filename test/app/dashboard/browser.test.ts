/**
 * The web dashboard in a real browser: Debian's Chromium, headless, driven by playwright-core, after the
 * scripted lifecycle on the offline test bed. With SCREENSHOTS=<folder> (`npm run screenshots`) it also
 * saves the README's screenshots there.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import type { Conductor } from '../../../app/conductor/index.js';
import { FAILURE_REASON, HOSTILE_TITLE, QUESTION, RUN_COST, scriptedLifecycle } from './lifecycle.js';
import type { Lifecycle } from './lifecycle.js';
import { startAppWorld, TOKEN } from './world.js';
import type { AppWorld } from './world.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOTS = process.env.SCREENSHOTS;

const available = existsSync(CHROMIUM);
if (!available) {
  console.warn(
    `\n\n!!! SKIPPING the dashboard's browser tests: ${CHROMIUM} is missing. Install Debian's chromium (apt-get install -y chromium); .ci/run does. !!!\n\n`,
  );
}
const describeInBrowser = available ? describe : describe.skip;

let world: AppWorld;
let life: Lifecycle;
let context: BrowserContext;
let page: Page;
let profile: string;
const dialogs: string[] = [];

const dashboard = () => new URL('/ai-orchestrator/', world.app.url).href;

describeInBrowser('the web dashboard in Chromium', () => {
  beforeAll(async () => {
    world = await startAppWorld();
    life = await scriptedLifecycle(world);
    await (world.app.handlers as unknown as Conductor).beat();
    profile = mkdtempSync(join(tmpdir(), 'dashboard-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1400, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.accept();
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
    await world?.close();
  });

  it('answers 401 without the token: the login form, and no data', async () => {
    const answer = await page.goto(dashboard());
    expect(answer?.status()).toBe(401);
    await expect(page.locator('input[name="token"]').isVisible()).resolves.toBe(true);
    const text = await page.locator('body').innerText();
    for (const leak of ['Add pet insurance', life.scenario.fullName, FAILURE_REASON])
      expect(text).not.toContain(leak);
    if (SCREENSHOTS !== undefined) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, 'login.png') });
    }

    await page.fill('input[name="token"]', 'not-the-token');
    const refused = await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    expect(refused[0]?.status()).toBe(401);
    await expect(page.locator('.error').innerText()).resolves.toBe('That is not the admin token.');
  });

  it('logs in and shows the items, what waits for a human, the failure with its reason, and the cost', async () => {
    await page.fill('input[name="token"]', TOKEN);
    await Promise.all([page.waitForURL(dashboard()), page.click('button[type="submit"]')]);
    const session = (await context.cookies()).find((cookie) => cookie.name === 'aio_session');
    expect(session).toEqual(
      expect.objectContaining({ httpOnly: true, sameSite: 'Strict', path: '/ai-orchestrator' }),
    );

    const items = await page.locator('#items-table').innerText();
    for (const shown of ['Add pet insurance', 'Story A', 'Story B', 'Export invoices', HOSTILE_TITLE])
      expect(items).toContain(shown);
    expect(items).toMatch(/awaiting merge approval/);

    const waiting = page.locator('#waiting-table tbody tr');
    await expect(waiting.count()).resolves.toBe(3);
    const merge = page.locator('#waiting-table tr.waiting-merge_approval');
    await expect(merge.innerText()).resolves.toContain('Ready to merge: /approve on the pull request');
    await expect(
      merge.locator('a', { hasText: `pull request #${life.pr}` }).getAttribute('href'),
    ).resolves.toMatch(new RegExp(`/${life.scenario.fullName}/pull/${life.pr}$`));
    await expect(page.locator('#waiting-table tr.waiting-plan_approval').innerText()).resolves.toContain(
      HOSTILE_TITLE,
    );
    await expect(page.locator('#waiting-table tr.waiting-clarification').innerText()).resolves.toContain(
      QUESTION,
    );

    const failure = page.locator('#failures-table tbody tr');
    await expect(failure.count()).resolves.toBe(1);
    await expect(failure.locator('pre.reason').innerText()).resolves.toBe(FAILURE_REASON);
    await expect(failure.locator('a', { hasText: 'workflow run' }).getAttribute('href')).resolves.toBe(
      life.failedRunUrl,
    );

    await expect(page.locator('#total-cost').innerText()).resolves.toBe(
      `$${(life.runs * RUN_COST).toFixed(2)}`,
    );
    await expect(page.locator('#heartbeat').innerText()).resolves.toMatch(/Last beat just now/);

    // The hostile title is text: no element, script or dialog came from it.
    await expect(page.locator('main img, main b').count()).resolves.toBe(0);
    expect(await page.title()).toBe('AI orchestrator · dashboard');
    expect(dialogs).toEqual([]);

    if (SCREENSHOTS !== undefined) {
      await page.setViewportSize({ width: 1400, height: 1750 });
      await page.screenshot({ path: join(SCREENSHOTS, 'dashboard.png') });
      await page.setViewportSize({ width: 1400, height: 900 });
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-dark.png') });
      await page.emulateMedia({ colorScheme: 'light' });
    }
  });

  it('narrows the audit log to one item and one repository', async () => {
    const storyRow = page.locator('#items-table tbody tr', { hasText: 'Story B' });
    await Promise.all([page.waitForURL(/item=/), storyRow.locator('a', { hasText: 'audit' }).click()]);
    const item = new URL(page.url()).searchParams.get('item')!;
    const entries = await page.locator('#audit-table tbody tr').allInnerTexts();
    expect(entries.length).toBeGreaterThan(2);
    for (const entry of entries) expect(entry).toContain(item.slice(0, 8));
    if (SCREENSHOTS !== undefined)
      await page.locator('#audit').screenshot({ path: join(SCREENSHOTS, 'audit.png') });
    expect(
      entries.some((entry) => entry.includes('workflow.transition') && entry.includes('stage_failed')),
    ).toBe(true);

    await page.goto(dashboard());
    await page.selectOption('select[name="repository"]', life.scenario.fullName);
    await Promise.all([page.waitForURL(/repository=/), page.click('form.filter button')]);
    const rows = await page.locator('#audit-table tbody tr').allInnerTexts();
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) expect(row).toContain(life.scenario.fullName);
  });

  it('refreshes itself in place', async () => {
    await page.clock.install();
    await page.goto(dashboard());
    await page.evaluate(() => {
      (globalThis as unknown as { unchanged: boolean }).unchanged = true;
    });
    expect(await page.locator('#items-table').innerText()).not.toContain('Dark mode');
    life.scenario.label(life.scenario.openIssue('Dark mode'));
    await world.settle();
    await page.clock.runFor(31_000);
    await page.locator('#items-table', { hasText: 'Dark mode' }).waitFor({ timeout: 10_000 });
    // The same document: the refresh replaced <main>, it did not reload the page.
    expect(await page.evaluate(() => (globalThis as unknown as { unchanged?: boolean }).unchanged)).toBe(
      true,
    );
  });

  it('pauses and resumes a repository with its button, after asking', async () => {
    await page.goto(dashboard());
    const row = page.locator('#repositories-table tbody tr', { hasText: life.scenario.fullName });
    await Promise.all([
      page.waitForURL(/#repositories$/),
      row.locator('button', { hasText: 'Pause' }).click(),
    ]);
    expect(dialogs).toEqual([`Pause all AI activity in ${life.scenario.fullName}?`]);
    expect(await world.world.store.repositories.isPaused(life.scenario.fullName)).toBe(true);
    await expect(row.innerText()).resolves.toMatch(/paused\s+by dashboard-admin/);
    await Promise.all([
      page.waitForURL(/#repositories$/),
      row.locator('button', { hasText: 'Resume' }).click(),
    ]);
    expect(await world.world.store.repositories.isPaused(life.scenario.fullName)).toBe(false);
  });
});
