// Token amounts: people type tokens (`0.01`), the API speaks base units (18 decimals) as decimal strings.
// Exact bigint arithmetic on strings, never floats.

export const TOKEN_DECIMALS = 18
const SCALE = 10n ** BigInt(TOKEN_DECIMALS)

export type TokenParse = { ok: true; baseUnits: bigint } | { ok: false; message: string }

/** `0.01` → 10000000000000000n. Accepts `2`, `2.5`, `.5` and `1,5` (a comma as the decimal point). */
export function parseTokens(text: string): TokenParse {
  const trimmed = text.trim().replace(',', '.')
  if (trimmed === '') return { ok: false, message: 'Enter an amount in tokens, e.g. 0.01' }
  const match = /^(\d*)(?:\.(\d*))?$/.exec(trimmed)
  const whole = match?.[1] ?? ''
  const fraction = match?.[2] ?? ''
  if (match === null || (whole === '' && fraction === '')) {
    return { ok: false, message: `Enter a number of tokens like 0.01 or 2, not "${text.trim()}"` }
  }
  if (fraction.length > TOKEN_DECIMALS) {
    return { ok: false, message: `Use at most ${TOKEN_DECIMALS} decimal places` }
  }
  if (whole.length > 40) return { ok: false, message: 'That amount is too large' }
  const baseUnits = BigInt(whole === '' ? '0' : whole) * SCALE + BigInt(fraction.padEnd(TOKEN_DECIMALS, '0'))
  return { ok: true, baseUnits }
}

/**
 * 40000000000000000 → `0.04`. Exact unless `maxDecimals` is given, which rounds down and marks the cut with `~`
 * only when something was cut (`~0.0001` for 0.000123…). The whole part is grouped in thousands.
 */
export function formatTokens(baseUnits: string | bigint, maxDecimals?: number): string {
  let value: bigint
  try {
    value = typeof baseUnits === 'bigint' ? baseUnits : BigInt(baseUnits)
  } catch {
    return '—'
  }
  const negative = value < 0n
  if (negative) value = -value
  const whole = value / SCALE
  let fraction = (value % SCALE).toString().padStart(TOKEN_DECIMALS, '0')
  let cut = false
  if (maxDecimals !== undefined && maxDecimals < TOKEN_DECIMALS) {
    cut = /[1-9]/.test(fraction.slice(maxDecimals))
    fraction = fraction.slice(0, maxDecimals)
  }
  fraction = fraction.replace(/0+$/, '')
  const grouped = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const text = fraction === '' ? grouped : `${grouped}.${fraction}`
  return `${negative ? '-' : ''}${cut ? '~' : ''}${text}`
}
