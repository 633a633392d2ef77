import { BiddingPolicyError } from './errors.js'

/** A daily window in minutes after local midnight; `end` < `start` wraps past midnight. */
export interface HoursWindow {
  start: number
  end: number
}

const WINDOW = /^([01][0-9]|2[0-4]):([0-5][0-9])-([01][0-9]|2[0-4]):([0-5][0-9])$/

/** `22:00-07:00` → { start: 1320, end: 420 }; throws BiddingPolicyError for anything else. */
export function parseHoursWindow(text: string): HoursWindow {
  const match = WINDOW.exec(text.trim())
  const start = match === null ? Number.NaN : Number(match[1]) * 60 + Number(match[2])
  const end = match === null ? Number.NaN : Number(match[3]) * 60 + Number(match[4])
  if (!(start <= 1440 && end <= 1440) || start === end || start === 1440) {
    throw new BiddingPolicyError(
      `allowed hours "${text}" are not a window like "22:00-07:00" (local time, HH:MM-HH:MM, start ≠ end; "00:00-24:00" for all day)`
    )
  }
  return { start, end }
}

/** Checks every window of an operator's setting; throws BiddingPolicyError for the first bad one. */
export function parseAllowedHours(windows: readonly string[]): HoursWindow[] {
  return windows.map(parseHoursWindow)
}

/**
 * Whether `now` falls in one of `windows` in local time, where local = UTC + `utcOffsetMinutes`.
 * An empty list allows every hour. A window includes its start minute and excludes its end.
 */
export function withinAllowedHours(
  windows: readonly HoursWindow[],
  now: number,
  utcOffsetMinutes: number
): boolean {
  if (windows.length === 0) return true
  const minute = localMinuteOfDay(now, utcOffsetMinutes)
  return windows.some(({ start, end }) =>
    start < end ? minute >= start && minute < end : minute >= start || minute < end
  )
}

/** Minutes since local midnight. */
export function localMinuteOfDay(now: number, utcOffsetMinutes: number): number {
  const minutes = Math.floor(now / 60_000) + utcOffsetMinutes
  return ((minutes % 1440) + 1440) % 1440
}

/** This machine's offset from UTC at `now`, in minutes (UTC+2 → 120). */
export function systemUtcOffsetMinutes(now: number): number {
  return -new Date(now).getTimezoneOffset()
}
