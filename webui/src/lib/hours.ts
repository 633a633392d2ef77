// The worker's allowed hours as typed in the settings form: `22:00-07:00, 12:00-13:00` (local time).
// Same rule as the node (scheduler/allowed-hours.ts), so the form says what is wrong before sending.

const WINDOW = /^([01][0-9]|2[0-4]):([0-5][0-9])-([01][0-9]|2[0-4]):([0-5][0-9])$/

export type HoursParse = { ok: true; windows: string[] } | { ok: false; message: string }

export function parseHoursList(text: string): HoursParse {
  const windows = text
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w !== '')
  for (const w of windows) {
    const m = WINDOW.exec(w)
    const start = m === null ? Number.NaN : Number(m[1]) * 60 + Number(m[2])
    const end = m === null ? Number.NaN : Number(m[3]) * 60 + Number(m[4])
    if (!(start <= 1440 && end <= 1440) || start === end || start === 1440) {
      return { ok: false, message: `"${w}" is not a window like 22:00-07:00 (HH:MM-HH:MM, start ≠ end)` }
    }
  }
  if (windows.length > 12) return { ok: false, message: 'At most 12 windows' }
  return { ok: true, windows }
}
