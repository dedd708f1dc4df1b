/** Number formatting shared by the Markdown and HTML reports. */

/** Thousands separators, `digits` decimals. */
export function num(v: number | undefined, digits = 0): string {
  if (v === undefined || !Number.isFinite(v)) return '-';
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function pct(v: number | undefined, digits = 2): string {
  return v === undefined || !Number.isFinite(v) ? '-' : `${(100 * v).toFixed(digits)} %`;
}

/** `a / b` as `2.31x`; `-` when either is missing or b is 0. */
export function ratio(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return '-';
  return `${(a / b).toFixed(2)}x`;
}

/** Picojoules as nanojoules with 3 significant digits. */
export function nj(pj: number | undefined): string {
  return pj === undefined ? '-' : `${Number((pj / 1000).toPrecision(3)).toLocaleString('en-US')} nJ`;
}
