import type { Count, InventoryReport, ReportRow } from '../app/inventory-report.use-case.js';

/**
 * The inventory report as one self-contained HTML page: inline CSS and SVG, no script, no font,
 * no image, and a Content-Security-Policy that forbids every fetch, so opening it never touches the
 * network. Every piece of text from outside (names, subjects, locators, problems) is escaped.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escapes text and shows control characters as visible escapes, so no input can forge markup or lines. */
export function escapeHtml(text: string): string {
  return text
    .replace(/[&<>"']/g, (c) => ESCAPES[c] as string)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const day = (d: Date | undefined) => (d ? d.toISOString().slice(0, 10) : '-');
const num = (n: number) => n.toLocaleString('en-US');

function timelineSvg(r: InventoryReport): string {
  const bars = [
    { label: 'expired', title: 'already expired', count: r.timeline.expired, cls: 'bar expired' },
    ...r.timeline.weeks.map((w, i) => ({ label: i % 4 === 0 ? day(w.start).slice(5) : '', title: `week of ${day(w.start)}`, count: w.count, cls: i < 5 ? 'bar soon' : 'bar' })),
    { label: 'later', title: 'later', count: r.timeline.later, cls: 'bar later' },
  ];
  const max = Math.max(1, ...bars.map((b) => b.count));
  const width = 900;
  const height = 220;
  const top = 20;
  const bottom = 30;
  const slot = width / bars.length;
  const barW = Math.max(4, slot * 0.7);
  const plot = height - top - bottom;
  const parts = bars.map((b, i) => {
    const h = b.count === 0 ? 0 : Math.max(2, (b.count / max) * plot);
    const x = i * slot + (slot - barW) / 2;
    const y = top + plot - h;
    return [
      `<g class="col" data-label="${escapeHtml(b.title)}">`,
      `<rect class="${b.cls}" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" data-count="${b.count.toString()}"><title>${escapeHtml(b.title)}: ${num(b.count)}</title></rect>`,
      b.count > 0 ? `<text class="count" x="${(x + barW / 2).toFixed(1)}" y="${(y - 4).toFixed(1)}">${num(b.count)}</text>` : '',
      b.label ? `<text class="axis" x="${(x + barW / 2).toFixed(1)}" y="${(height - 10).toString()}">${escapeHtml(b.label)}</text>` : '',
      '</g>',
    ].join('');
  });
  return `<svg id="timeline" role="img" aria-label="certificates expiring per week" viewBox="0 0 ${width.toString()} ${height.toString()}" width="100%" preserveAspectRatio="xMidYMid meet">${parts.join('')}<line x1="0" x2="${width.toString()}" y1="${(top + plot).toString()}" y2="${(top + plot).toString()}" class="base"/></svg>`;
}

function countsTable(id: string, title: string, rows: readonly Count[], limit = 15): string {
  const shown = rows.slice(0, limit);
  const rest = rows.slice(limit).reduce((n, r) => n + r.count, 0);
  const body = shown.map((r) => `<tr><td>${escapeHtml(r.key)}</td><td class="n">${num(r.count)}</td></tr>`).join('');
  const more = rest > 0 ? `<tr class="more"><td>${(rows.length - limit).toString()} more</td><td class="n">${num(rest)}</td></tr>` : '';
  return `<section class="card"><h2>${escapeHtml(title)}</h2><table id="${id}"><thead><tr><th>${escapeHtml(title.replace(/^By /, ''))}</th><th class="n">certificates</th></tr></thead><tbody>${body}${more}</tbody></table></section>`;
}

function daysCell(r: ReportRow): string {
  if (r.daysRemaining === undefined) return '<td class="n">-</td>';
  const cls = r.daysRemaining < 0 ? 'bad' : r.daysRemaining <= 14 ? 'warn' : r.daysRemaining <= 30 ? 'soon' : '';
  return `<td class="n ${cls}">${r.daysRemaining.toString()}</td>`;
}

function where(r: ReportRow): string {
  return escapeHtml([r.account, r.region].filter(Boolean).join(' ') || r.origin);
}

export function renderHtmlReport(r: InventoryReport): string {
  const t = r.totals;
  const soonest = r.soonest
    .map(
      (row) =>
        `<tr><td>${escapeHtml(row.name)}</td><td>${day(row.notAfter)}</td>${daysCell(row)}<td>${escapeHtml(row.origin)}</td><td>${where(row)}</td><td>${escapeHtml(row.owner ?? '-')}</td><td>${escapeHtml(row.issuer ?? '-')}</td><td class="loc">${row.locations.map(escapeHtml).join('<br>')}</td></tr>`,
    )
    .join('');
  const problems = r.problems
    .map((row) => `<tr><td class="loc">${row.locations.map(escapeHtml).join('<br>')}</td><td>${escapeHtml(row.name)}</td><td>${row.problems.map((p) => `<span class="tag">${escapeHtml(p)}</span>`).join(' ')}</td><td>${day(row.notAfter)}</td></tr>`)
    .join('');
  const unreached = r.sweepProblems.map((p) => `<tr><td>${escapeHtml(p.source)}</td><td class="loc">${escapeHtml(p.scope)}</td><td>${escapeHtml(p.problem)}</td></tr>`).join('');
  const stat = (id: string, label: string, value: number, cls = '') => `<div class="stat ${cls}" id="${id}"><div class="v">${num(value)}</div><div class="l">${label}</div></div>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>certflow inventory report ${day(r.generatedAt)}</title>
<style>
:root{--fg:#1d2330;--mut:#667085;--bg:#f6f7f9;--card:#fff;--line:#e4e7ec;--bad:#c0362c;--warn:#d97706;--soon:#b08900;--ok:#2f7d4f;--bar:#4f6bed}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:20px 28px;background:#101828;color:#fff}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;color:#c8cdd6}
main{padding:20px 28px;display:grid;gap:16px;grid-template-columns:repeat(3,minmax(0,1fr))}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;min-width:0}.wide{grid-column:1/-1}
h2{font-size:15px;margin:0 0 10px}.stats{display:flex;gap:12px;flex-wrap:wrap}.stat{flex:1;min-width:140px;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 16px}
.stat .v{font-size:28px;font-weight:650}.stat .l{color:var(--mut)}.stat.bad .v{color:var(--bad)}.stat.warn .v{color:var(--warn)}
table{width:100%;border-collapse:collapse}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}th{color:var(--mut);font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}td.bad{color:var(--bad);font-weight:650}td.warn{color:var(--warn);font-weight:650}td.soon{color:var(--soon)}
td.loc{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;word-break:break-all;color:var(--mut)}
.tag{display:inline-block;padding:1px 7px;border-radius:9px;background:#fdecea;color:var(--bad);font-size:12px;margin:1px 0}
svg text{font-size:11px;text-anchor:middle;fill:var(--mut)}svg text.count{fill:var(--fg);font-weight:600}
rect.bar{fill:var(--bar)}rect.bar.soon{fill:var(--warn)}rect.bar.expired{fill:var(--bad)}rect.bar.later{fill:#98a2b3}line.base{stroke:var(--line)}
.empty{color:var(--mut)}footer{padding:0 28px 24px;color:var(--mut);font-size:12px}
@media (max-width:900px){main{grid-template-columns:1fr}}
</style></head>
<body>
<header><h1>Certificate inventory</h1><p>Generated ${escapeHtml(r.generatedAt.toISOString())}${r.lastSweepAt ? ` · last discovery ${escapeHtml(r.lastSweepAt.toISOString())}` : ''}</p></header>
<main>
<section class="wide stats">${stat('total', 'certificates', t.certificates)}${stat('expired', 'expired', t.expired, t.expired > 0 ? 'bad' : '')}${stat('expiring30', 'expire within 30 days', t.expiringWithin30Days, t.expiringWithin30Days > 0 ? 'warn' : '')}${stat('problems', 'with problems', t.withProblems, t.withProblems > 0 ? 'bad' : '')}${stat('vanished', 'vanished', t.vanished)}</section>
<section class="card wide"><h2>Expiry timeline (certificates per week, next ${r.timeline.weeks.length.toString()} weeks)</h2>${timelineSvg(r)}</section>
<section class="card wide"><h2>What expires first</h2>${
    r.soonest.length === 0
      ? '<p class="empty">No certificates.</p>'
      : `<table id="soonest"><thead><tr><th>name</th><th>not after</th><th class="n">days</th><th>source</th><th>where</th><th>owner</th><th>issuer</th><th>locations</th></tr></thead><tbody>${soonest}</tbody></table>`
  }</section>
${countsTable('by-account', 'By account', r.byAccount)}
${countsTable('by-owner', 'By owner', r.byOwner)}
${countsTable('by-issuer', 'By issuer', r.byIssuer)}
<section class="card wide"><h2>Problems found on endpoints and in stores</h2>${
    problems === '' ? '<p class="empty">None found.</p>' : `<table id="problems"><thead><tr><th>locator</th><th>name</th><th>problems</th><th>not after</th></tr></thead><tbody>${problems}</tbody></table>`
  }${unreached === '' ? '' : `<h2 style="margin-top:14px">Not reached in the last sweep</h2><table id="unreached"><thead><tr><th>source</th><th>scope</th><th>problem</th></tr></thead><tbody>${unreached}</tbody></table>`}</section>
</main>
<footer>certflow · this page is self-contained and loads nothing from the network.</footer>
</body></html>
`;
}
