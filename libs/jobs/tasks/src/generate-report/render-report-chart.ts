import type { ReportData } from './report-data';

const WIDTH = 760;
const HEIGHT = 240;
const PAD = { top: 16, right: 16, bottom: 36, left: 56 };

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The daily series as an inline SVG bar chart (no script, no external reference): per day, the
 * rows checked, with the invalid ones in a darker part of the same bar; a title per bar gives
 * the exact numbers on hover.
 */
export function renderDailyChart(daily: ReportData['daily']): string {
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const max = Math.max(1, ...daily.map((day) => day.rows_checked));
  const slot = plotWidth / Math.max(1, daily.length);
  const barWidth = Math.max(1, slot * 0.8);
  const y = (value: number) => PAD.top + plotHeight - (value / max) * plotHeight;
  const bars = daily.map((day, i) => {
    const x = (PAD.left + i * slot + (slot - barWidth) / 2).toFixed(2);
    const label = `${day.date}: ${day.jobs} jobs, ${day.rows_checked} rows checked, ${day.rows_invalid} invalid`;
    const checked = `<rect class="checked" x="${x}" y="${y(day.rows_checked).toFixed(2)}" width="${barWidth.toFixed(2)}" height="${(PAD.top + plotHeight - y(day.rows_checked)).toFixed(2)}"/>`;
    const invalid = `<rect class="invalid" x="${x}" y="${y(day.rows_invalid).toFixed(2)}" width="${barWidth.toFixed(2)}" height="${(PAD.top + plotHeight - y(day.rows_invalid)).toFixed(2)}"/>`;
    return `<g><title>${escape(label)}</title>${checked}${invalid}</g>`;
  });
  const first = daily[0]?.date ?? '';
  const last = daily[daily.length - 1]?.date ?? '';
  const axisY = PAD.top + plotHeight;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-labelledby="chart-title">`,
    `<title id="chart-title">Rows checked per day (invalid rows darker), ${escape(first)} to ${escape(last)}</title>`,
    `<line class="axis" x1="${PAD.left}" y1="${axisY}" x2="${WIDTH - PAD.right}" y2="${axisY}"/>`,
    `<line class="axis" x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${axisY}"/>`,
    `<text x="${PAD.left - 6}" y="${PAD.top + 4}" text-anchor="end">${max}</text>`,
    `<text x="${PAD.left - 6}" y="${axisY}" text-anchor="end">0</text>`,
    `<text x="${PAD.left}" y="${HEIGHT - 12}">${escape(first)}</text>`,
    `<text x="${WIDTH - PAD.right}" y="${HEIGHT - 12}" text-anchor="end">${escape(last)}</text>`,
    ...bars,
    '</svg>',
  ].join('\n');
}
