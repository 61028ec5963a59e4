/**
 * The dashboard's HTML, rendered on the server from {@link DashboardData}: no framework, no inline script or
 * style (the page is served under a strict Content-Security-Policy); a small script refreshes `<main>` in
 * place. Every value from the store is escaped by the `html` template.
 */
import type { AuditEntry, UsageTotals } from '../store/index.js';
import type { DashboardData, DashboardFilter, ItemRow } from './data.js';
import { AUDIT_LIMIT, COST_DAYS } from './data.js';
import { html, link, SafeHtml } from './html.js';
import type { HtmlValue } from './html.js';

export const BASE_PATH = '/ai-orchestrator';
/** Seconds between refreshes of the page. */
export const REFRESH_SECONDS = 30;

const WAITING_TEXT: Record<string, string> = {
  plan_approval: 'Plan approval: /approve or /reject <reason> on the issue',
  clarification: 'Questions: /clarify <answers> on the issue',
  merge_approval: 'Ready to merge: /approve on the pull request',
  blocked: 'Blocked by the release gate: /clarify <text> or /retry',
};

/** `2026-03-01 14:05 UTC`. */
function when(iso: string | null): string {
  return iso === null ? '' : `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

/** `5 min ago`, `3 h ago`, `2 d ago`, relative to `now`. */
function ago(iso: string | null, now: string): string {
  if (iso === null) return '';
  const seconds = Math.max(0, (Date.parse(now) - Date.parse(iso)) / 1000);
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

const usd = (value: number): string => `$${value.toFixed(2)}`;
const count = (value: number): string => value.toLocaleString('en-US');
const stateName = (state: string): string => state.replace(/_/g, ' ');

function tokens(cost: UsageTotals): string {
  return `${count(cost.tokensIn)} in · ${count(cost.tokensOut)} out · ${count(cost.cacheReadTokens)} cached`;
}

function query(filter: DashboardFilter, extra: DashboardFilter = {}): string {
  const params = new URLSearchParams();
  const merged = { ...filter, ...extra };
  if (merged.repository !== undefined) params.set('repository', merged.repository);
  if (merged.item !== undefined) params.set('item', merged.item);
  const text = params.toString();
  return text === '' ? `${BASE_PATH}/` : `${BASE_PATH}/?${text}`;
}

function itemName(item: ItemRow): SafeHtml {
  const story = item.story === null ? '' : html` <span class="story">story <code>${item.story}</code></span>`;
  return html`${link(`${item.repository}#${item.issue}`, item.url)}${story}`;
}

function itemTitle(item: ItemRow): SafeHtml {
  return item.title === null ? html`<span class="muted">untitled</span>` : html`${item.title}`;
}

function badge(state: string): SafeHtml {
  return html`<span class="badge state-${state}">${stateName(state)}</span>`;
}

function table(headers: readonly string[], rows: readonly HtmlValue[], empty: string, id?: string): SafeHtml {
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<div class="table"><table${id === undefined ? '' : new SafeHtml(` id="${id}"`)}>
<thead><tr>${headers.map((header) => html`<th>${header}</th>`)}</tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

function overview(data: DashboardData): SafeHtml {
  const cards = Object.entries(data.states).map(
    ([state, number]) =>
      html`<li class="card state-${state}${number === 0 ? ' zero' : ''}">
        <span class="count">${number}</span><span class="label">${stateName(state)}</span>
      </li>`,
  );
  return html`<section id="overview" aria-labelledby="overview-title">
    <h2 id="overview-title">Work items by state</h2>
    <ul class="cards">
      ${cards}
    </ul>
  </section>`;
}

function waiting(data: DashboardData): SafeHtml {
  const rows = data.waiting.map((item) => {
    const what = item.waiting === null ? '' : (WAITING_TEXT[item.waiting.kind] ?? item.waiting.kind);
    const details = [
      ...(item.waiting?.questions ?? []).map((question) => html`<li>${question}</li>`),
      ...(item.waiting?.reasons ?? []).map((reason) => html`<li>${reason}</li>`),
    ];
    const target =
      item.waiting?.kind === 'merge_approval' && item.prUrl !== null
        ? link(`pull request #${item.pr ?? ''}`, item.prUrl)
        : link(`issue #${item.issue}`, item.url);
    return html`<tr class="waiting-${item.waiting?.kind ?? ''}">
      <td>
        ${itemName(item)}
        <div class="title">${itemTitle(item)}</div>
      </td>
      <td>
        <strong>${what}</strong>${
          details.length === 0
            ? ''
            : html`<ul class="details">
                ${details}
              </ul>`
        }
      </td>
      <td>${target}</td>
      <td title="${when(item.enteredAt)}">${ago(item.enteredAt, data.generatedAt)}</td>
    </tr>`;
  });
  return html`<section id="waiting" aria-labelledby="waiting-title">
    <h2 id="waiting-title">Waiting for a human <span class="n">${data.waiting.length}</span></h2>
    ${table(['item', 'what', 'where', 'since'], rows, 'Nothing waits for a human.', 'waiting-table')}
  </section>`;
}

function failures(data: DashboardData): SafeHtml {
  const rows = data.failures.map(
    (item) =>
      html`<tr>
        <td>
          ${itemName(item)}
          <div class="title">${itemTitle(item)}</div>
        </td>
        <td><pre class="reason">${item.failure?.reason ?? ''}</pre></td>
        <td>
          ${item.failure?.runUrl === null || item.failure === null ? html`<span class="muted">no run</span>` : link('workflow run', item.failure.runUrl)}
        </td>
        <td title="${when(item.updatedAt)}">${ago(item.updatedAt, data.generatedAt)}</td>
      </tr>`,
  );
  return html`<section id="failures" aria-labelledby="failures-title">
    <h2 id="failures-title">Recent failures <span class="n">${data.failures.length}</span></h2>
    ${table(['item', 'reason', 'run', 'when'], rows, 'No failures.', 'failures-table')}
  </section>`;
}

function items(data: DashboardData): SafeHtml {
  const rows = data.items.map(
    (item) =>
      html`<tr>
        <td>${itemName(item)}</td>
        <td>${itemTitle(item)}</td>
        <td>
          ${badge(item.state)}${item.queued > 0 ? html` <span class="muted">${item.queued} queued</span>` : ''}
        </td>
        <td>${item.prUrl === null ? '' : link(`#${item.pr ?? ''}`, item.prUrl)}</td>
        <td title="${when(item.updatedAt)}">${ago(item.updatedAt, data.generatedAt)}</td>
        <td class="num" title="${tokens(item.cost)}">${usd(item.cost.costUsd)}</td>
        <td><a href="${query(data.filter, { item: item.id })}#audit">audit</a></td>
      </tr>`,
  );
  return html`<section id="items" aria-labelledby="items-title">
    <h2 id="items-title">Work items</h2>
    ${table(['item', 'title', 'state', 'pull request', 'updated', 'cost', ''], rows, 'No work items yet.', 'items-table')}
  </section>`;
}

function cost(data: DashboardData): SafeHtml {
  const perRepository = data.repositories
    .filter((row) => row.cost.entries > 0)
    .map(
      (row) =>
        html`<tr>
          <td>${link(row.fullName, row.url)}</td>
          <td class="num">${usd(row.cost.costUsd)}</td>
          <td>${tokens(row.cost)}</td>
        </tr>`,
    );
  const perDay = data.cost.daily.map(
    (day) =>
      html`<tr>
        <td>${day.day}</td>
        <td>${day.repository}</td>
        <td class="num">${usd(day.costUsd)}</td>
        <td>${tokens(day)}</td>
      </tr>`,
  );
  return html`<section id="cost" aria-labelledby="cost-title">
    <h2 id="cost-title">Tokens and cost</h2>
    <p class="total">
      Total <strong id="total-cost">${usd(data.cost.total.costUsd)}</strong>
      <span class="muted">(${tokens(data.cost.total)})</span>
    </p>
    <div class="split">
      <div>
        <h3>Per repository</h3>
        ${table(['repository', 'cost', 'tokens'], perRepository, 'No spend recorded.')}
      </div>
      <div>
        <h3>Per day (last ${COST_DAYS} days, UTC)</h3>
        ${table(['day', 'repository', 'cost', 'tokens'], perDay, 'No spend in these days.')}
      </div>
    </div>
    <p class="muted">Per item: the cost column of the work items (an epic includes its stories).</p>
  </section>`;
}

function heartbeat(data: DashboardData): SafeHtml {
  const status = data.heartbeat;
  const last = status.last;
  const schedule = status.enabled
    ? `every ${status.intervalMinutes} min in this process`
    : 'off in this process (HEARTBEAT=off)';
  if (last === null)
    return html`<section id="heartbeat" aria-labelledby="heartbeat-title">
      <h2 id="heartbeat-title">Heartbeat</h2>
      <p>No beat yet; it runs ${schedule}.</p>
    </section>`;
  const report = last.report;
  const findings: [string, readonly HtmlValue[]][] = [
    ['re-dispatched runs that never started', report.redispatched],
    ['failed runs (never started, or stuck)', report.failed],
    ['finished runs taken in without their webhook', report.ingested],
    ['merge reminders', report.reminded.map((pr) => `#${pr}`)],
    ['outboxes carried out', report.drained],
    ['repositories skipped', report.skipped.map((skip) => `${skip.repository}: ${skip.why}`)],
    ['errors', report.errors],
  ];
  const rows = findings.map(
    ([what, list]) =>
      html`<tr>
        <th scope="row">${what}</th>
        <td class="num">${list.length}</td>
        <td>
          ${
            list.length === 0
              ? ''
              : html`<ul class="details">
                  ${list.map((entry) => html`<li>${entry}</li>`)}
                </ul>`
          }
        </td>
      </tr>`,
  );
  return html`<section id="heartbeat" aria-labelledby="heartbeat-title">
    <h2 id="heartbeat-title">Heartbeat</h2>
    <p>
      Last beat
      <strong title="${when(last.finishedAt)}">${ago(last.finishedAt, data.generatedAt)}</strong>
      (${when(last.startedAt)}, took ${Math.max(0, Date.parse(last.finishedAt) - Date.parse(last.startedAt))}
      ms); it runs ${schedule}.
    </p>
    <div class="table">
      <table>
        ${rows}
      </table>
    </div>
  </section>`;
}

function repositories(data: DashboardData, csrf: string | undefined): SafeHtml {
  const rows = data.repositories.map((row) => {
    const control =
      csrf === undefined
        ? ''
        : html`<form
            method="post"
            action="${BASE_PATH}/repositories/pause"
            class="inline"
            data-confirm="${row.paused ? `Resume ${row.fullName}?` : `Pause all AI activity in ${row.fullName}?`}"
          >
            <input type="hidden" name="csrf" value="${csrf}" /><input
              type="hidden"
              name="repository"
              value="${row.fullName}"
            /><input type="hidden" name="paused" value="${row.paused ? 'false' : 'true'}" />
            <button type="submit" class="${row.paused ? 'resume' : 'pause'}">
              ${row.paused ? 'Resume' : 'Pause'}
            </button>
          </form>`;
    return html`<tr class="${row.paused ? 'paused' : ''}">
      <td>${link(row.fullName, row.url)}</td>
      <td>${row.installationId ?? ''}</td>
      <td>
        ${row.paused ? html`<span class="badge state-failed">paused</span> <span class="muted">by ${row.pausedBy ?? '?'}, ${when(row.pausedAt)}</span>` : html`<span class="badge state-done">active</span>`}
      </td>
      <td>${row.dashboardIssueUrl === null ? '' : link('dashboard issue', row.dashboardIssueUrl)}</td>
      <td class="num">${usd(row.cost.costUsd)}</td>
      <td>${control}</td>
    </tr>`;
  });
  const paused = data.repositories.filter((row) => row.paused).length;
  return html`<section id="repositories" aria-labelledby="repositories-title">
    <h2 id="repositories-title">
      Repositories
      <span class="n">${data.repositories.length}</span
      >${paused > 0 ? html` <span class="badge state-failed">${paused} paused</span>` : ''}
    </h2>
    ${table(['repository', 'installation', 'kill switch', 'issue', 'cost', ''], rows, 'No repository recorded yet.', 'repositories-table')}
  </section>`;
}

function detailText(entry: AuditEntry): string {
  const text = JSON.stringify(entry.detail);
  return text.length > 240 ? `${text.slice(0, 239)}…` : text;
}

function audit(data: DashboardData): SafeHtml {
  const rows = data.audit.map(
    (entry) =>
      html`<tr class="${entry.detail.outcome === 'failed' ? 'failed' : ''}">
        <td title="${entry.at}">${when(entry.at)}</td>
        <td>${entry.actor}</td>
        <td><code>${entry.action}</code></td>
        <td>${entry.target}</td>
        <td>
          ${entry.itemId === null ? '' : html`<a href="${query(data.filter, { item: entry.itemId })}#audit">${entry.itemId.slice(0, 8)}</a>`}
        </td>
        <td>${entry.runKey ?? ''}</td>
        <td><code class="detail">${detailText(entry)}</code></td>
      </tr>`,
  );
  const narrowed = [
    data.filter.repository === undefined ? '' : `repository ${data.filter.repository}`,
    data.filter.item === undefined ? '' : `item ${data.filter.item}`,
  ].filter((part) => part !== '');
  return html`<section id="audit" aria-labelledby="audit-title">
    <h2 id="audit-title">Audit log</h2>
    <p class="muted">
      Newest ${AUDIT_LIMIT}
      entries${narrowed.length === 0 ? '' : html` of ${narrowed.join(', ')} (<a href="${query({}, data.filter.repository === undefined ? {} : { repository: data.filter.repository })}#audit">show all${data.filter.item === undefined ? '' : ' items'}</a>)`}.
    </p>
    ${table(['at', 'actor', 'action', 'target', 'item', 'run key', 'detail'], rows, 'No entries.', 'audit-table')}
  </section>`;
}

function head(title: string, refresh: boolean): SafeHtml {
  return html`<head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="no-referrer" />
    <title>${title}</title>
    <link rel="stylesheet" href="${BASE_PATH}/assets/dashboard.css" />
    ${
      refresh
        ? html`<script src="${BASE_PATH}/assets/dashboard.js" defer></script>
            <noscript><meta http-equiv="refresh" content="${REFRESH_SECONDS * 2}" /></noscript>`
        : ''
    }
  </head>`;
}

export interface PageOptions {
  /**
   * The session's CSRF token. The forms (log out, the kill switch) are shown only with it: to a cookie
   * session, never to a bearer client.
   */
  csrf?: string;
}

/** The dashboard page. */
export function renderDashboard(data: DashboardData, options: PageOptions): string {
  const repositoryOptions = data.repositories.map(
    (row) =>
      html`<option
        value="${row.fullName}"
        ${data.filter.repository === row.fullName ? new SafeHtml(' selected') : ''}
      >
        ${row.fullName}
      </option>`,
  );
  const page = html`<!doctype html>
    <html lang="en">
      ${head('AI orchestrator · dashboard', true)}
      <body data-refresh="${REFRESH_SECONDS}">
        <header>
          <h1><a href="${BASE_PATH}/">AI orchestrator</a></h1>
          <form method="get" action="${BASE_PATH}/" class="filter">
            <label
              >Repository
              <select name="repository">
                <option value="">all repositories</option>
                ${repositoryOptions}
              </select></label
            >
            ${data.filter.item === undefined ? '' : html`<input type="hidden" name="item" value="${data.filter.item}" />`}
            <button type="submit">Show</button>
          </form>
          <span id="refresh-status" class="muted" role="status">Updated ${when(data.generatedAt)}</span>
          ${options.csrf === undefined ? '' : html`<form method="post" action="${BASE_PATH}/logout" class="inline"><input type="hidden" name="csrf" value="${options.csrf}" /><button type="submit" class="link">Log out</button></form>`}
        </header>
        <nav>
          <a href="#waiting">Waiting</a> <a href="#failures">Failures</a> <a href="#items">Items</a>
          <a href="#cost">Cost</a> <a href="#heartbeat">Heartbeat</a> <a href="#repositories">Repositories</a>
          <a href="#audit">Audit</a>
          <a href="${BASE_PATH}/api/dashboard${query(data.filter).slice(`${BASE_PATH}/`.length)}">JSON</a>
        </nav>
        <main>
          ${overview(data)} ${waiting(data)} ${failures(data)} ${items(data)} ${cost(data)} ${heartbeat(data)}
          ${repositories(data, options.csrf)} ${audit(data)}
        </main>
      </body>
    </html>`;
  return page.text;
}

/** The login page: the only page shown without credentials; it holds no data. */
export function renderLogin(loginToken: string, error?: string): string {
  return html`<!doctype html>
    <html lang="en">
      ${head('AI orchestrator · log in', false)}
      <body class="login">
        <main>
          <h1>AI orchestrator</h1>
          <p>This dashboard needs the admin token (<code>DASHBOARD_TOKEN</code>).</p>
          ${error === undefined ? '' : html`<p class="error" role="alert">${error}</p>`}
          <form method="post" action="${BASE_PATH}/login">
            <input type="hidden" name="csrf" value="${loginToken}" />
            <label
              >Admin token
              <input type="password" name="token" autocomplete="current-password" required autofocus
            /></label>
            <button type="submit">Log in</button>
          </form>
        </main>
      </body>
    </html>`.text;
}
