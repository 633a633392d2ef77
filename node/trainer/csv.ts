import { MAX_COLUMNS, MAX_ROWS } from './constants.js'
import { DatasetError } from './errors.js'

/** One data record of a CSV file with the line it starts on (1-based, header = line 1). */
export interface CsvRecord {
  line: number
  fields: string[]
}

export interface CsvTable {
  header: string[]
  records: CsvRecord[]
}

/**
 * Parses RFC 4180 CSV: comma separated, fields optionally in double quotes (a quote inside is
 * doubled, commas and newlines inside quotes are data), LF or CRLF line ends, blank lines
 * skipped. The first record is the header. Every record must have as many fields as the header.
 * Throws DatasetError naming the line of the first problem.
 */
export function parseCsv(text: string): CsvTable {
  const records: CsvRecord[] = []
  let fields: string[] = []
  let field = ''
  let line = 1
  let recordLine = 1
  let quoted = false
  let wasQuoted = false
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  const endField = (): void => {
    fields.push(wasQuoted ? field : field.trim())
    if (fields.length > MAX_COLUMNS)
      throw new DatasetError(`line ${recordLine} has more than ${MAX_COLUMNS} columns`)
    field = ''
    wasQuoted = false
  }
  const endRecord = (): void => {
    endField()
    const blank = fields.length === 1 && fields[0] === '' && !wasQuoted
    if (!blank) {
      if (records.length >= MAX_ROWS + 1) throw new DatasetError(`the file has more than ${MAX_ROWS} rows`)
      records.push({ line: recordLine, fields })
    }
    fields = []
  }
  for (; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i++
        } else quoted = false
      } else {
        if (ch === '\n') line++
        field += ch
      }
      continue
    }
    if (ch === '"') {
      if (field.trim() !== '' || wasQuoted) {
        throw new DatasetError(
          `line ${line}: a quote inside an unquoted field; put the whole field in quotes and double the inner quote ("")`
        )
      }
      field = ''
      quoted = true
      wasQuoted = true
    } else if (ch === ',') {
      endField()
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      endRecord()
      line++
      recordLine = line
    } else {
      if (wasQuoted && ch !== ' ' && ch !== '\t') {
        throw new DatasetError(`line ${line}: text after a closing quote; separate fields with commas`)
      }
      field += ch
    }
  }
  if (quoted)
    throw new DatasetError(`line ${recordLine}: a quoted field is never closed; add the closing quote`)
  if (field !== '' || fields.length > 0 || wasQuoted) endRecord()
  const [head, ...rest] = records
  if (head === undefined) throw new DatasetError('the CSV file is empty; give a header line and data rows')
  for (const record of rest) {
    if (record.fields.length !== head.fields.length) {
      throw new DatasetError(
        `line ${record.line} has ${record.fields.length} fields but the header has ${head.fields.length}; every row needs one value per column`
      )
    }
  }
  return { header: head.fields, records: rest }
}

/** One CSV field: quoted when it holds a comma, quote or line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replaceAll('"', '""')}"` : value
}
