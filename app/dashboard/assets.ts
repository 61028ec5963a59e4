/**
 * The dashboard's stylesheet and script, served as files (the Content-Security-Policy allows no inline
 * style or script). They hold no data, so they are served without authentication, like the login page.
 */

export const DASHBOARD_CSS = `
:root { color-scheme: light dark; --bg: #f6f8fa; --fg: #1f2328; --muted: #59636e; --card: #ffffff;
  --border: #d1d9e0; --accent: #0969da; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --wait: #8250df; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --card: #151b23;
  --border: #3d444d; --accent: #4493f8; --ok: #3fb950; --warn: #d29922; --bad: #f85149; --wait: #ab7df8; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--fg); }
a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
header { display: flex; flex-wrap: wrap; gap: 12px 20px; align-items: center; padding: 12px 24px; background: var(--card); border-bottom: 1px solid var(--border); }
header h1 { font-size: 18px; margin: 0; } header h1 a { color: var(--fg); }
nav { display: flex; flex-wrap: wrap; gap: 14px; padding: 8px 24px; border-bottom: 1px solid var(--border); }
main { padding: 8px 24px 48px; max-width: 1400px; }
section { background: var(--card); border: 1px solid var(--border); border-radius: 8px; padding: 4px 16px 12px; margin: 16px 0; }
h2 { font-size: 16px; margin: 12px 0 8px; } h3 { font-size: 14px; margin: 8px 0; }
.n { display: inline-block; min-width: 22px; padding: 0 6px; border-radius: 10px; background: var(--border); font-size: 12px; text-align: center; }
.muted { color: var(--muted); } .empty { color: var(--muted); font-style: italic; }
.cards { display: flex; flex-wrap: wrap; gap: 8px; list-style: none; padding: 0; margin: 0; }
.card { min-width: 120px; padding: 8px 12px; border: 1px solid var(--border); border-left-width: 4px; border-radius: 6px; }
.card .count { display: block; font-size: 22px; font-weight: 600; } .card .label { color: var(--muted); }
.card.zero { opacity: .55; }
.table { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--border); }
th { font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .02em; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
#audit-table td:nth-child(-n+5) { white-space: nowrap; }
#heartbeat th[scope="row"] { text-transform: none; letter-spacing: normal; font-size: 14px; }
.title { color: var(--muted); }
.story code, code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
code.detail { white-space: pre-wrap; word-break: break-all; color: var(--muted); }
pre.reason { margin: 0; white-space: pre-wrap; word-break: break-word; font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; color: var(--bad); max-height: 12em; overflow: auto; }
ul.details { margin: 4px 0 0; padding-left: 18px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; border: 1px solid currentColor; white-space: nowrap; }
.state-done { color: var(--ok); } .state-failed, .state-blocked { color: var(--bad); }
.state-awaiting_plan_approval, .state-awaiting_clarification, .state-awaiting_merge_approval { color: var(--wait); }
.state-planning, .state-implementing, .state-reviewing, .state-revising, .state-merging, .state-validating { color: var(--accent); }
.state-new, .state-cancelled { color: var(--muted); }
.card.state-failed, .card.state-blocked { border-left-color: var(--bad); } .card.state-done { border-left-color: var(--ok); }
.card.state-awaiting_plan_approval, .card.state-awaiting_clarification, .card.state-awaiting_merge_approval { border-left-color: var(--wait); }
.card.state-planning, .card.state-implementing, .card.state-reviewing, .card.state-revising, .card.state-merging, .card.state-validating { border-left-color: var(--accent); }
.card .count, .card .label { color: var(--fg); }
tr.paused td, tr.failed td { background: color-mix(in srgb, var(--bad) 7%, transparent); }
.split { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 16px; }
.total { font-size: 15px; }
form.inline { display: inline; margin: 0; }
form.filter { display: flex; gap: 8px; align-items: center; }
button, select, input { font: inherit; color: inherit; background: var(--card); border: 1px solid var(--border); border-radius: 6px; padding: 4px 10px; }
button { cursor: pointer; } button.pause { color: var(--bad); } button.resume { color: var(--ok); }
button.link { border: none; background: none; color: var(--accent); padding: 0; }
body.login main { max-width: 420px; margin: 10vh auto; background: var(--card); border: 1px solid var(--border); border-radius: 8px; padding: 24px; }
body.login label { display: block; margin: 12px 0; } body.login input { width: 100%; margin-top: 4px; }
.error { color: var(--bad); }
`;

/**
 * Refreshes `<main>` every `data-refresh` seconds from the same address (the session cookie goes along).
 * A 401 reloads the page, which then shows the login form; a failure is shown and retried.
 */
export const DASHBOARD_JS = `
(function () {
  'use strict';
  var seconds = Number(document.body.getAttribute('data-refresh')) || 30;
  var status = document.getElementById('refresh-status');
  function say(text) { if (status) status.textContent = text; }
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) event.preventDefault();
  });
  function refresh() {
    fetch(window.location.href, { credentials: 'same-origin', cache: 'no-store', headers: { accept: 'text/html' } })
      .then(function (response) {
        if (response.status === 401) { window.location.reload(); return null; }
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.text();
      })
      .then(function (text) {
        if (text === null) return;
        var next = new DOMParser().parseFromString(text, 'text/html');
        var fresh = next.querySelector('main');
        var current = document.querySelector('main');
        if (fresh && current) current.replaceWith(document.importNode(fresh, true));
        say('Updated ' + new Date().toISOString().slice(11, 19) + ' UTC');
      })
      .catch(function (error) { say('Refresh failed (' + error.message + '); retrying'); })
      .then(function () { window.setTimeout(refresh, seconds * 1000); });
  }
  window.setTimeout(refresh, seconds * 1000);
})();
`;
